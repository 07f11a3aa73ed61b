package dev.flexserve.model.sampling;

import java.util.SplittableRandom;

/**
 * Picks each next token of one sequence from the model's logits, as {@link SamplingParams} say.
 *
 * <p>Greedy (temperature 0) takes the highest logit, the lowest id among equals, and draws no random
 * numbers, so it is repeatable and matches the "opt-out is exact" guarantee token for token. Otherwise the
 * token is drawn from softmax(logits / temperature), computed in double relative to the highest logit (so
 * nothing overflows), restricted first to the top-k tokens and then to the nucleus: the fewest most likely
 * tokens whose probability, renormalised after top-k, reaches top-p (at least one token). Draws come from a
 * {@link SplittableRandom} seeded with the request's seed, so a seed and a logits sequence fix the tokens.
 *
 * <p>Cost per token for a vocabulary of V: O(V) for greedy and for plain sampling; with top-k, O(V + k log V)
 * (a heap, never a full sort); with top-p alone, O(V + n log V) for a nucleus of n tokens. Scratch arrays are
 * kept between calls, so no call after the first allocates in proportion to V. Not thread-safe: one sampler
 * per sequence.
 */
public final class Sampler {

    private final SamplingParams params;
    /** Null when greedy: greedy decoding must not depend on random numbers. */
    private final SplittableRandom random;
    private final TokenRanking ranking = new TokenRanking();
    /** Unnormalised probabilities: of every token when unfiltered, else of the kept tokens in rank order. */
    private double[] weights = new double[0];
    /** The ids of {@link #weights} when filtered. */
    private int[] keptIds = new int[0];

    public Sampler(SamplingParams params) {
        this.params = params;
        if (params.isGreedy()) {
            this.random = null;
        } else {
            this.random = params.seed() == null ? new SplittableRandom() : new SplittableRandom(params.seed());
        }
    }

    /**
     * @param logits one logit per vocabulary id
     * @return the chosen id
     * @throws IllegalStateException if a logit is NaN or infinite: the model's output is broken
     */
    public int next(float[] logits) {
        int best = argmaxOfFinite(logits);
        if (params.isGreedy()) {
            return best;
        }
        Softmax softmax = new Softmax(logits, logits[best], 1.0 / params.temperature());
        boolean topK = params.topK() > 0 && params.topK() < logits.length;
        if (!topK && params.topP() == 1.0) {
            return drawFromAll(softmax);
        }
        return drawFromNucleus(softmax, topK ? params.topK() : logits.length, topK);
    }

    private int drawFromAll(Softmax softmax) {
        int size = softmax.logits.length;
        ensureCapacity(size);
        double total = 0;
        for (int id = 0; id < size; id++) {
            weights[id] = softmax.weight(id);
            total += weights[id];
        }
        return pick(size, total);
    }

    /**
     * Ranks tokens lazily: with top-k the k best are needed up front (their sum renormalises top-p), without
     * it top-p takes tokens from the ranking only until the nucleus is complete.
     */
    private int drawFromNucleus(Softmax softmax, int limit, boolean topK) {
        ranking.rank(softmax.logits);
        ensureCapacity(limit);
        int ranked = 0;
        double mass = 0;
        if (topK) {
            for (; ranked < limit; ranked++) {
                mass += rankNext(ranked, softmax);
            }
        } else {
            mass = softmax.totalWeight();
        }
        double nucleusMass = params.topP() * mass;
        int kept = 0;
        double keptMass = 0;
        while (kept < limit && keptMass < nucleusMass) {
            if (kept == ranked) {
                rankNext(ranked++, softmax);
            }
            keptMass += weights[kept++];
        }
        return keptIds[pick(kept, keptMass)];
    }

    private double rankNext(int position, Softmax softmax) {
        int id = ranking.next();
        keptIds[position] = id;
        weights[position] = softmax.weight(id);
        return weights[position];
    }

    /**
     * Draws a position in {@code weights[0..count)} with probability weight / total. {@code total} must be
     * the left-to-right sum of those weights, so the running sum reaches it exactly and a zero weight is
     * never picked.
     */
    private int pick(int count, double total) {
        double target = random.nextDouble(total);
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += weights[i];
            if (target < cumulative) {
                return i;
            }
        }
        throw new AssertionError("draw " + target + " beyond the total weight " + total);
    }

    private void ensureCapacity(int size) {
        if (weights.length < size) {
            weights = new double[size];
            keptIds = new int[size];
        }
    }

    private static int argmaxOfFinite(float[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("logits are empty");
        }
        int best = 0;
        for (int id = 0; id < logits.length; id++) {
            float logit = logits[id];
            if (!Float.isFinite(logit)) {
                throw new IllegalStateException("the model produced a non-finite logit: " + logit + " for token " + id);
            }
            if (logit > logits[best]) {
                best = id;
            }
        }
        return best;
    }

    /** exp((logit - max) / temperature): proportional to the tempered softmax, at most 1. */
    private record Softmax(float[] logits, double maxLogit, double inverseTemperature) {

        double weight(int id) {
            return Math.exp((logits[id] - maxLogit) * inverseTemperature);
        }

        double totalWeight() {
            double total = 0;
            for (int id = 0; id < logits.length; id++) {
                total += weight(id);
            }
            return total;
        }
    }
}
