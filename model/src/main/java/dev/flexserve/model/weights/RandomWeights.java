package dev.flexserve.model.weights;

import dev.flexserve.model.config.FlexOlmoConfig;

import java.util.SplittableRandom;

import static dev.flexserve.model.weights.WeightNames.*;

/**
 * Deterministic random weights for every tensor of a FlexOlmo model: the demo models and the tests' models.
 * Projections are scaled by 1/sqrt(fan_in) so activations stay O(1) through the layers, and norms are drawn
 * around 1 (not exactly 1) so that a graph that forgot to apply a norm weight is caught by the tests.
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    public static InMemoryWeights generate(FlexOlmoConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryWeights w = new InMemoryWeights();
        int d = c.hiddenSize();
        w.put(EMBED, gaussian(rnd, (long) c.vocabSize() * d, 1.0), c.vocabSize(), d);
        w.put(LM_HEAD, gaussian(rnd, (long) c.vocabSize() * d, 1.0 / Math.sqrt(d)), c.vocabSize(), d);
        w.put(FINAL_NORM, aroundOne(rnd, d), d);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            w.put(qProj(l), gaussian(rnd, (long) c.queryWidth() * d, 1.0 / Math.sqrt(d)), c.queryWidth(), d);
            w.put(kProj(l), gaussian(rnd, (long) c.keyValueWidth() * d, 1.0 / Math.sqrt(d)), c.keyValueWidth(), d);
            w.put(vProj(l), gaussian(rnd, (long) c.keyValueWidth() * d, 1.0 / Math.sqrt(d)), c.keyValueWidth(), d);
            w.put(oProj(l), gaussian(rnd, (long) d * c.queryWidth(), 1.0 / Math.sqrt(c.queryWidth())), d, c.queryWidth());
            w.put(qNorm(l), aroundOne(rnd, c.queryWidth()), c.queryWidth());
            w.put(kNorm(l), aroundOne(rnd, c.keyValueWidth()), c.keyValueWidth());
            w.put(postAttentionNorm(l), aroundOne(rnd, d), d);
            w.put(postFeedforwardNorm(l), aroundOne(rnd, d), d);
            // Router rows with a spread comparable to the residual stream give gate probabilities far from uniform,
            // so top-k selections differ between tokens and experts.
            w.put(router(l), gaussian(rnd, (long) c.numExperts() * d, 2.0 / Math.sqrt(d)), c.numExperts(), d);
            int f = c.intermediateSize();
            for (int e = 0; e < c.numExperts(); e++) {
                w.put(expertGate(l, e), gaussian(rnd, (long) f * d, 1.0 / Math.sqrt(d)), f, d);
                w.put(expertUp(l, e), gaussian(rnd, (long) f * d, 1.0 / Math.sqrt(d)), f, d);
                w.put(expertDown(l, e), gaussian(rnd, (long) d * f, 1.0 / Math.sqrt(f)), d, f);
            }
        }
        return w;
    }

    private static float[] gaussian(SplittableRandom rnd, long n, double std) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (nextGaussian(rnd) * std);
        }
        return v;
    }

    private static float[] aroundOne(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (1.0 + 0.2 * (rnd.nextDouble() - 0.5));
        }
        return v;
    }

    /** Box-Muller, so the stream depends only on SplittableRandom's documented algorithm. */
    private static double nextGaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
