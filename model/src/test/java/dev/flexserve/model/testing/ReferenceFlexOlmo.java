package dev.flexserve.model.testing;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.weights.WeightSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.flexserve.model.weights.WeightNames.*;

/**
 * The FlexOlmo forward pass of DESIGN.md §1 written straight from the math with naive loops in double precision,
 * for the tests only. It recomputes the whole sequence from scratch (no cache) and shares no code with the engine
 * or the graph builder, so agreement between them is evidence, not tautology.
 *
 * <p>{@link Gating} selects the gate semantics: {@link Gating#FLEXOLMO} is the specified one; the two wrong
 * variants exist so tests can show that they are distinguishable.
 */
public final class ReferenceFlexOlmo {
    public enum Gating {
        /** Softmax over the allowed experts only, top-k, no renormalisation. */
        FLEXOLMO,
        /** Wrong: softmax over all experts, then the disallowed ones zeroed. */
        ZERO_AFTER_SOFTMAX,
        /** Wrong: selected weights renormalised to sum to 1. */
        RENORMALISED
    }

    private final FlexOlmoConfig c;
    private final WeightSource w;
    private final float[][] bias;
    private final Gating gating;

    /** @param bias {@code [expert][layer]}, null entries (or a null array) for experts without bias */
    public ReferenceFlexOlmo(FlexOlmoConfig config, WeightSource weights, float[][] bias, Gating gating) {
        this.c = config;
        this.w = weights;
        this.bias = bias;
        this.gating = gating;
    }

    /** Logits {@code [position][vocab]} for every position, with only the experts in {@code allowed} (HF indices). */
    public double[][] logits(int[] tokens, int[] allowed, int k) {
        int n = tokens.length;
        int d = c.hiddenSize();
        double[][] h = new double[n][];
        float[] embed = w.get(EMBED, c.vocabSize(), d);
        for (int i = 0; i < n; i++) {
            h[i] = new double[d];
            for (int j = 0; j < d; j++) {
                h[i][j] = embed[tokens[i] * d + j];
            }
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            double[][] a = attention(l, h);
            double[] postAttn = vec(postAttentionNorm(l), d);
            for (int i = 0; i < n; i++) {
                double[] normed = rmsNorm(a[i], postAttn);
                for (int j = 0; j < d; j++) {
                    h[i][j] += normed[j];
                }
            }
            double[] postFfn = vec(postFeedforwardNorm(l), d);
            for (int i = 0; i < n; i++) {
                double[] m = moe(l, h[i], allowed, k);
                double[] normed = rmsNorm(m, postFfn);
                for (int j = 0; j < d; j++) {
                    h[i][j] += normed[j];
                }
            }
        }
        double[] finalNorm = vec(FINAL_NORM, d);
        float[] head = w.get(LM_HEAD, c.vocabSize(), d);
        double[][] out = new double[n][c.vocabSize()];
        for (int i = 0; i < n; i++) {
            double[] x = rmsNorm(h[i], finalNorm);
            for (int v = 0; v < c.vocabSize(); v++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += head[v * d + j] * x[j];
                }
                out[i][v] = s;
            }
        }
        return out;
    }

    /** Greedy continuation of {@code prompt} by {@code count} tokens, recomputing from scratch each time. */
    public int[] greedy(int[] prompt, int[] allowed, int k, int count) {
        List<Integer> seq = new ArrayList<>();
        for (int t : prompt) {
            seq.add(t);
        }
        int[] generated = new int[count];
        for (int g = 0; g < count; g++) {
            double[][] logits = logits(seq.stream().mapToInt(Integer::intValue).toArray(), allowed, k);
            generated[g] = argmax(logits[logits.length - 1]);
            seq.add(generated[g]);
        }
        return generated;
    }

    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The gate of one token: weight per HF expert index (0 for experts not selected). */
    public double[] gateWeights(int layer, double[] x, int[] allowed, int k) {
        int experts = c.numExperts();
        int d = c.hiddenSize();
        float[] router = w.get(router(layer), experts, d);
        double[] logit = new double[experts];
        for (int e = 0; e < experts; e++) {
            for (int j = 0; j < d; j++) {
                logit[e] += router[e * d + j] * x[j];
            }
            if (bias != null && bias[e] != null) {
                logit[e] += bias[e][layer];
            }
        }
        boolean[] isAllowed = new boolean[experts];
        for (int e : allowed) {
            isAllowed[e] = true;
        }
        double[] p = new double[experts];
        double sum = 0;
        for (int e = 0; e < experts; e++) {
            if (gating == Gating.ZERO_AFTER_SOFTMAX || isAllowed[e]) {
                p[e] = Math.exp(logit[e]);
                sum += p[e];
            }
        }
        for (int e = 0; e < experts; e++) {
            p[e] = isAllowed[e] ? p[e] / sum : 0;
        }
        int take = Math.min(k, allowed.length);
        double[] weights = new double[experts];
        for (int s = 0; s < take; s++) {
            int best = -1;
            for (int e = 0; e < experts; e++) {
                if (isAllowed[e] && weights[e] == 0 && (best < 0 || p[e] > p[best])) {
                    best = e;
                }
            }
            weights[best] = p[best];
        }
        if (gating == Gating.RENORMALISED) {
            double total = Arrays.stream(weights).sum();
            for (int e = 0; e < experts; e++) {
                weights[e] /= total;
            }
        }
        return weights;
    }

    private double[] moe(int layer, double[] x, int[] allowed, int k) {
        int d = c.hiddenSize();
        int f = c.intermediateSize();
        double[] weights = gateWeights(layer, x, allowed, k);
        double[] out = new double[d];
        for (int e = 0; e < c.numExperts(); e++) {
            if (weights[e] == 0) {
                continue;
            }
            float[] w1 = w.get(expertGate(layer, e), f, d);
            float[] w3 = w.get(expertUp(layer, e), f, d);
            float[] w2 = w.get(expertDown(layer, e), d, f);
            double[] inner = new double[f];
            for (int r = 0; r < f; r++) {
                double g = 0;
                double u = 0;
                for (int j = 0; j < d; j++) {
                    g += w1[r * d + j] * x[j];
                    u += w3[r * d + j] * x[j];
                }
                inner[r] = g / (1 + Math.exp(-g)) * u;
            }
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int r = 0; r < f; r++) {
                    s += w2[j * f + r] * inner[r];
                }
                out[j] += weights[e] * s;
            }
        }
        return out;
    }

    private double[][] attention(int layer, double[][] h) {
        int n = h.length;
        int d = c.hiddenSize();
        int hd = c.headDim();
        int heads = c.numAttentionHeads();
        int kvHeads = c.numKeyValueHeads();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        double[] qn = vec(qNorm(layer), c.queryWidth());
        double[] kn = vec(kNorm(layer), c.keyValueWidth());
        float[] wq = w.get(qProj(layer), c.queryWidth(), d);
        float[] wk = w.get(kProj(layer), c.keyValueWidth(), d);
        float[] wv = w.get(vProj(layer), c.keyValueWidth(), d);
        for (int i = 0; i < n; i++) {
            q[i] = rope(rmsNorm(matVec(wq, h[i], c.queryWidth(), d), qn), i, heads);
            k[i] = rope(rmsNorm(matVec(wk, h[i], c.keyValueWidth(), d), kn), i, kvHeads);
            v[i] = matVec(wv, h[i], c.keyValueWidth(), d);
        }
        int groups = heads / kvHeads;
        double[][] context = new double[n][c.queryWidth()];
        for (int head = 0; head < heads; head++) {
            int kvHead = head / groups;
            for (int i = 0; i < n; i++) {
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int x = 0; x < hd; x++) {
                        s += q[i][head * hd + x] * k[j][kvHead * hd + x];
                    }
                    scores[j] = s / Math.sqrt(hd);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int x = 0; x < hd; x++) {
                        context[i][head * hd + x] += scores[j] / sum * v[j][kvHead * hd + x];
                    }
                }
            }
        }
        float[] wo = w.get(oProj(layer), d, c.queryWidth());
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = matVec(wo, context[i], d, c.queryWidth());
        }
        return out;
    }

    /** Rotate-half RoPE on each head of x at position pos. */
    private double[] rope(double[] x, int pos, int heads) {
        int hd = c.headDim();
        int half = hd / 2;
        double[] out = new double[x.length];
        for (int head = 0; head < heads; head++) {
            int base = head * hd;
            for (int i = 0; i < half; i++) {
                double angle = pos / Math.pow(c.ropeTheta(), 2.0 * i / hd);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double a = x[base + i];
                double b = x[base + i + half];
                out[base + i] = a * cos - b * sin;
                out[base + i + half] = b * cos + a * sin;
            }
        }
        return out;
    }

    private double[] rmsNorm(double[] x, double[] weight) {
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        double inv = 1 / Math.sqrt(ms / x.length + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * weight[i];
        }
        return out;
    }

    private static double[] matVec(float[] m, double[] x, int rows, int cols) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += m[r * cols + j] * x[j];
            }
            out[r] = s;
        }
        return out;
    }

    private double[] vec(String name, int n) {
        float[] f = w.get(name, n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f[i];
        }
        return out;
    }
}
