package dev.flexserve.model.gating;

/**
 * The end of a FlexOlmo layer after the experts: {@code h = h + RMSNorm_post_ffn(sum_e p_e * FFN_e(h))}.
 * The weighted sum is formed by the caller in slot order; this applies the norm and the residual in place.
 */
public final class PostFeedforward {
    private PostFeedforward() {
    }

    /** Adds {@code RMSNorm(mixture) * weight} to {@code h[offset .. offset + d)}. */
    public static void addNormalized(float[] h, int offset, float[] mixture, float[] weight, double eps) {
        int d = weight.length;
        double sumSquares = 0;
        for (int j = 0; j < d; j++) {
            sumSquares += (double) mixture[j] * mixture[j];
        }
        float inverseRms = (float) (1.0 / Math.sqrt(sumSquares / d + eps));
        for (int j = 0; j < d; j++) {
            h[offset + j] += weight[j] * (mixture[j] * inverseRms);
        }
    }
}
