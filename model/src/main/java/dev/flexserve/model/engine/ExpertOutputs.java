package dev.flexserve.model.engine;

import java.util.Arrays;

/** The FFN outputs of one layer, per expert slot and row, possibly collected over several rounds of calls. */
final class ExpertOutputs {
    private final float[][][] arrays;
    private final int[][] offsets;
    private final int d;

    ExpertOutputs(int slots, int rows, int d) {
        this.arrays = new float[slots][][];
        this.offsets = new int[slots][];
        this.d = d;
        for (int s = 0; s < slots; s++) {
            offsets[s] = new int[rows];
            Arrays.fill(offsets[s], -1);
        }
    }

    void put(int slot, int[] rows, float[] out) {
        if (arrays[slot] == null) {
            arrays[slot] = new float[offsets[slot].length][];
        }
        for (int i = 0; i < rows.length; i++) {
            arrays[slot][rows[i]] = out;
            offsets[slot][rows[i]] = i * d;
        }
    }

    boolean has(int slot, int row) {
        return offsets[slot][row] >= 0;
    }

    float[] array(int slot, int row) {
        return arrays[slot][row];
    }

    int offset(int slot, int row) {
        return offsets[slot][row];
    }
}
