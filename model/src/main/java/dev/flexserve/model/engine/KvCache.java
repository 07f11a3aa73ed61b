package dev.flexserve.model.engine;

import dev.flexserve.model.config.FlexOlmoConfig;

import java.nio.FloatBuffer;

/**
 * The keys and values of one sequence, per layer laid out {@code [kv_heads][capacity][head_dim]} so a head's
 * past is one contiguous run. It is only valid for the expert set it was computed with (layers after the first
 * see MoE outputs); the owner of the sequence discards it when that set changes.
 */
public final class KvCache {
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;
    private int length;

    public KvCache(FlexOlmoConfig c, int initialCapacity) {
        this.layers = c.numHiddenLayers();
        this.kvHeads = c.numKeyValueHeads();
        this.headDim = c.headDim();
        this.capacity = Math.max(1, initialCapacity);
        this.keys = new float[layers][kvHeads * capacity * headDim];
        this.values = new float[layers][kvHeads * capacity * headDim];
    }

    /** Positions cached in every layer. */
    public int length() {
        return length;
    }

    /** Bytes held, for the engine's KV-cache budget. */
    public long bytes() {
        return 2L * layers * kvHeads * capacity * headDim * Float.BYTES;
    }

    /**
     * Copies positions {@code from .. length} of this sequence's past of {@code layer} into slot {@code row} of padded
     * batch tensors {@code [batch, kv_heads, stride, head_dim]} (the positions before {@code from} are there already).
     */
    void copyPast(int layer, FloatBuffer batchKeys, FloatBuffer batchValues, int row, int stride, int from) {
        int count = length - from;
        if (count <= 0) {
            return;
        }
        for (int h = 0; h < kvHeads; h++) {
            int src = (h * capacity + from) * headDim;
            int dst = ((row * kvHeads + h) * stride + from) * headDim;
            batchKeys.put(dst, keys[layer], src, count * headDim);
            batchValues.put(dst, values[layer], src, count * headDim);
        }
    }

    /**
     * Stores the first {@code count} new positions of slot {@code row} from the attention outputs
     * {@code [batch, kv_heads, fresh, head_dim]} after the committed length; {@link #commit} makes them visible.
     */
    void append(int layer, float[] newKeys, float[] newValues, int row, int fresh, int count) {
        ensureCapacity(length + count);
        for (int h = 0; h < kvHeads; h++) {
            int src = (row * kvHeads + h) * fresh * headDim;
            int dst = (h * capacity + length) * headDim;
            System.arraycopy(newKeys, src, keys[layer], dst, count * headDim);
            System.arraycopy(newValues, src, values[layer], dst, count * headDim);
        }
    }

    void commit(int count) {
        length += count;
    }

    private void ensureCapacity(int needed) {
        if (needed <= capacity) {
            return;
        }
        int grown = Math.max(needed, capacity * 2);
        for (int l = 0; l < layers; l++) {
            keys[l] = regrow(keys[l], grown);
            values[l] = regrow(values[l], grown);
        }
        capacity = grown;
    }

    private float[] regrow(float[] old, int grown) {
        float[] next = new float[kvHeads * grown * headDim];
        for (int h = 0; h < kvHeads; h++) {
            System.arraycopy(old, h * capacity * headDim, next, h * grown * headDim, length * headDim);
        }
        return next;
    }

    @Override
    public String toString() {
        return "KvCache[length=" + length + ", capacity=" + capacity + ", layers=" + layers + "]";
    }
}
