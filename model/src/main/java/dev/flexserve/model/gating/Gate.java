package dev.flexserve.model.gating;

/**
 * FlexOlmo's router for one token in one layer (DESIGN.md §1): logits {@code h · r_e + b_e} for the allowed experts
 * only, a softmax over exactly those (masking happens before the softmax, so opting out an expert is the same as
 * deleting its router row), then the top {@code min(k, |allowed|)} by probability with their probabilities kept
 * as they are (no renormalisation). Ties go to the lower slot, so every component selects the same set.
 *
 * <p>Logits and the softmax are computed in double: the gate is evaluated in one place (the router), so its
 * precision only has to be at least that of the reference implementation.
 */
public final class Gate {
    private Gate() {
    }

    /** Selected expert slots in descending weight order, and their gate probabilities. */
    public record Choice(int[] experts, float[] weights) {
    }

    /**
     * @param h       the residual stream; the token's row starts at {@code offset}
     * @param routers router row of every expert slot for this layer ({@code routers[slot]}, length d)
     * @param bias    router logit bias per slot for this layer (0 for none)
     * @param allowed the slots that may take part, ascending, non-empty
     * @param k       the configured number of experts per token
     */
    public static Choice route(float[] h, int offset, float[][] routers, float[] bias, int[] allowed, int k) {
        int n = allowed.length;
        double[] p = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float[] r = routers[allowed[i]];
            double z = bias[allowed[i]];
            for (int j = 0; j < r.length; j++) {
                z += (double) h[offset + j] * r[j];
            }
            p[i] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(p[i] - max);
            sum += p[i];
        }
        int selected = Math.min(k, n);
        int[] experts = new int[selected];
        float[] weights = new float[selected];
        boolean[] taken = new boolean[n];
        for (int s = 0; s < selected; s++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || p[i] > p[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            experts[s] = allowed[best];
            weights[s] = (float) (p[best] / sum);
        }
        return new Choice(experts, weights);
    }
}
