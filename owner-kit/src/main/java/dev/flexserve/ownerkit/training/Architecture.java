package dev.flexserve.ownerkit.training;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.model.weights.InMemoryWeights;

import java.util.SplittableRandom;

import static dev.flexserve.model.weights.WeightNames.*;

/** The demo architecture (docs/owner-kit.md) and the initialisation of a dense model. */
public final class Architecture {
    private Architecture() {
    }

    /**
     * FlexOlmo over {@code tokenizer}'s vocabulary (its end-of-text id is the config's); {@code experts} and
     * {@code perToken} are the served model's (the public model trains dense).
     */
    public static FlexOlmoConfig config(Tokenizer tokenizer, int hidden, int layers, int heads, int kvHeads, int ffn,
                                        int maxPositions, int experts, int perToken) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("--hidden must be a multiple of --heads");
        }
        int eos = tokenizer.eosTokenId().orElseThrow(() -> new IllegalArgumentException("the tokenizer has no end-of-text id"));
        return new FlexOlmoConfig(tokenizer.vocabularySize(), hidden, ffn, layers, heads, kvHeads, hidden / heads, experts,
                perToken, 1e-6, 10000.0, maxPositions, eos);
    }

    /**
     * A fresh dense model (one expert): norms 1, embeddings N(0, 1), projections N(0, 1/fan_in), the router row
     * {@code publicRouter} (it does not act in a one-expert model; it is the frozen anchor row later).
     */
    public static InMemoryWeights initial(FlexOlmoConfig c, long seed, float[] publicRouter) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InMemoryWeights w = new InMemoryWeights();
        int d = c.hiddenSize();
        int f = c.intermediateSize();
        w.put(EMBED, gaussian(rnd, c.vocabSize() * d, 1.0), c.vocabSize(), d);
        w.put(LM_HEAD, gaussian(rnd, c.vocabSize() * d, 1.0 / Math.sqrt(d)), c.vocabSize(), d);
        w.put(FINAL_NORM, ones(d), d);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            w.put(qProj(l), gaussian(rnd, c.queryWidth() * d, 1.0 / Math.sqrt(d)), c.queryWidth(), d);
            w.put(kProj(l), gaussian(rnd, c.keyValueWidth() * d, 1.0 / Math.sqrt(d)), c.keyValueWidth(), d);
            w.put(vProj(l), gaussian(rnd, c.keyValueWidth() * d, 1.0 / Math.sqrt(d)), c.keyValueWidth(), d);
            w.put(oProj(l), gaussian(rnd, d * c.queryWidth(), 1.0 / Math.sqrt(c.queryWidth())), d, c.queryWidth());
            w.put(qNorm(l), ones(c.queryWidth()), c.queryWidth());
            w.put(kNorm(l), ones(c.keyValueWidth()), c.keyValueWidth());
            w.put(postAttentionNorm(l), ones(d), d);
            w.put(postFeedforwardNorm(l), ones(d), d);
            w.put(router(l), publicRouter.clone(), 1, d);
            w.put(expertGate(l, 0), gaussian(rnd, f * d, 1.0 / Math.sqrt(d)), f, d);
            w.put(expertUp(l, 0), gaussian(rnd, f * d, 1.0 / Math.sqrt(d)), f, d);
            w.put(expertDown(l, 0), gaussian(rnd, d * f, 1.0 / Math.sqrt(f)), d, f);
        }
        return w;
    }

    static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    static float[] gaussian(SplittableRandom rnd, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2) * std);
        }
        return v;
    }
}
