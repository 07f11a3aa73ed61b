package dev.flexserve.model.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Relative closeness of logit vectors: the largest absolute difference divided by the largest absolute expected
 * value. Element-wise relative error is meaningless for logits near zero; the vector's scale is what a 1e-4
 * relative tolerance is about.
 */
public final class Closeness {
    private Closeness() {
    }

    public static double relativeError(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            fail("length " + actual.length + " != " + expected.length);
        }
        double maxDiff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!Float.isFinite(actual[i])) {
                fail("non-finite value at " + i);
            }
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return maxDiff / Math.max(scale, 1e-12);
    }

    public static double relativeError(float[] actual, float[] expected) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        return relativeError(actual, e);
    }

    public static void assertClose(float[] actual, double[] expected, double tolerance, String what) {
        double err = relativeError(actual, expected);
        if (err > tolerance) {
            fail(what + ": relative error " + err + " > " + tolerance);
        }
    }
}
