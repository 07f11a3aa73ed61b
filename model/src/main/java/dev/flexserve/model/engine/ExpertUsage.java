package dev.flexserve.model.engine;

/**
 * How much each expert slot took part in one sequence, in the terms of DESIGN.md §6: gate mass summed over the
 * positions that produced generated tokens and over layers, the number of such positions where the expert was
 * selected in at least one layer, and the same count over prompt positions.
 */
public final class ExpertUsage {
    private final double[] generatedMass;
    private final int[] generatedTokens;
    private final int[] promptTokens;

    ExpertUsage(int slots) {
        generatedMass = new double[slots];
        generatedTokens = new int[slots];
        promptTokens = new int[slots];
    }

    void addMass(int slot, float weight) {
        generatedMass[slot] += weight;
    }

    void countGenerated(int slot) {
        generatedTokens[slot]++;
    }

    void countPrompt(int slot) {
        promptTokens[slot]++;
    }

    public double generatedMass(int slot) {
        return generatedMass[slot];
    }

    public int generatedTokens(int slot) {
        return generatedTokens[slot];
    }

    public int promptTokens(int slot) {
        return promptTokens[slot];
    }
}
