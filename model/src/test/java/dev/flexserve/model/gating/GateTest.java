package dev.flexserve.model.gating;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gating function itself: which experts it selects and with which weights (DESIGN.md §1). */
class GateTest {
    static final int D = 8;
    final SplittableRandom rnd = new SplittableRandom(11);
    final float[] h = randomRow();
    final float[][] routers = {randomRow(), randomRow(), randomRow(), randomRow(), randomRow()};
    final float[] noBias = new float[5];

    @Test
    void masksBeforeTheSoftmax() {
        int[] allowed = {0, 2, 3};
        Gate.Choice c = Gate.route(h, 0, routers, noBias, allowed, 3);
        double[] expected = softmax(logits(allowed));
        assertEquals(3, c.experts().length);
        for (int i = 0; i < allowed.length; i++) {
            assertEquals(expected[i], weightOf(c, allowed[i]), 1e-6, "expert " + allowed[i]);
        }
        // Zeroing after a softmax over all five experts gives strictly smaller weights: that must not be what we do.
        double[] overAll = softmax(logits(new int[]{0, 1, 2, 3, 4}));
        assertTrue(Math.abs(overAll[0] - weightOf(c, 0)) > 1e-3, "weights must come from the softmax over ALLOWED only");
        assertEquals(1.0, sum(c.weights()), 1e-6, "with k = |ALLOWED| the allowed probabilities are all selected");
    }

    @Test
    void keepsTheSelectedProbabilitiesWithoutRenormalising() {
        int[] allowed = {0, 1, 2, 3, 4};
        Gate.Choice c = Gate.route(h, 0, routers, noBias, allowed, 2);
        double[] p = softmax(logits(allowed));
        int[] order = descending(p);
        assertArrayEquals(new int[]{order[0], order[1]}, c.experts(), "top-2 by probability");
        assertEquals(p[order[0]], c.weights()[0], 1e-6);
        assertEquals(p[order[1]], c.weights()[1], 1e-6);
        assertTrue(sum(c.weights()) < 0.999, "selected weights of a top-2 of 5 sum to less than 1: " + sum(c.weights()));
    }

    @Test
    void selectsAtMostTheAllowedExperts() {
        Gate.Choice c = Gate.route(h, 0, routers, noBias, new int[]{4}, 3);
        assertArrayEquals(new int[]{4}, c.experts());
        assertEquals(1.0f, c.weights()[0], 1e-7f);
    }

    @Test
    void optingOutEqualsDeletingTheRouterRow() {
        // The model without expert 2: its router row is gone and the slots after it move down by one.
        float[][] without = {routers[0], routers[1], routers[3], routers[4]};
        Gate.Choice masked = Gate.route(h, 0, routers, noBias, new int[]{0, 1, 3, 4}, 2);
        Gate.Choice deleted = Gate.route(h, 0, without, new float[4], new int[]{0, 1, 2, 3}, 2);
        int[] remapped = masked.experts().clone();
        for (int i = 0; i < remapped.length; i++) {
            remapped[i] = remapped[i] > 2 ? remapped[i] - 1 : remapped[i];
        }
        assertArrayEquals(deleted.experts(), remapped);
        assertArrayEquals(deleted.weights(), masked.weights(), 0f);
    }

    @Test
    void biasLowersAnExpertsLogit() {
        int[] allowed = {0, 1, 2, 3, 4};
        int top = Gate.route(h, 0, routers, noBias, allowed, 1).experts()[0];
        float[] bias = new float[5];
        bias[top] = -100f;
        Gate.Choice c = Gate.route(h, 0, routers, bias, allowed, 1);
        assertNotEquals(top, c.experts()[0]);
    }

    @Test
    void tiesGoToTheLowerSlot() {
        float[][] same = {routers[0], routers[0], routers[0]};
        Gate.Choice c = Gate.route(h, 0, same, new float[3], new int[]{0, 1, 2}, 2);
        assertArrayEquals(new int[]{0, 1}, c.experts());
    }

    @Test
    void readsTheRowAtItsOffset() {
        float[] twoRows = new float[2 * D];
        System.arraycopy(h, 0, twoRows, D, D);
        Gate.Choice atOffset = Gate.route(twoRows, D, routers, noBias, new int[]{0, 1, 2, 3, 4}, 2);
        Gate.Choice direct = Gate.route(h, 0, routers, noBias, new int[]{0, 1, 2, 3, 4}, 2);
        assertArrayEquals(direct.experts(), atOffset.experts());
        assertArrayEquals(direct.weights(), atOffset.weights(), 0f);
    }

    private double[] logits(int[] experts) {
        double[] z = new double[experts.length];
        for (int i = 0; i < experts.length; i++) {
            for (int j = 0; j < D; j++) {
                z[i] += (double) h[j] * routers[experts[i]][j];
            }
        }
        return z;
    }

    private static double[] softmax(double[] z) {
        double[] p = new double[z.length];
        double s = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i]);
            s += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= s;
        }
        return p;
    }

    private static int[] descending(double[] p) {
        return java.util.stream.IntStream.range(0, p.length).boxed()
                .sorted((a, b) -> Double.compare(p[b], p[a])).mapToInt(Integer::intValue).toArray();
    }

    private static float weightOf(Gate.Choice c, int expert) {
        for (int i = 0; i < c.experts().length; i++) {
            if (c.experts()[i] == expert) {
                return c.weights()[i];
            }
        }
        return 0f;
    }

    private static double sum(float[] w) {
        double s = 0;
        for (float v : w) {
            s += v;
        }
        return s;
    }

    private float[] randomRow() {
        float[] r = new float[D];
        for (int i = 0; i < D; i++) {
            r[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return r;
    }
}
