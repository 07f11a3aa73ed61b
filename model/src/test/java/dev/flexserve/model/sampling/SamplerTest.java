package dev.flexserve.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final int DRAWS = 20_000;

    @Test
    void greedyTakesTheHighestLogitAndTheLowestIdAmongEquals() {
        Sampler greedy = new Sampler(SamplingParams.greedy(1));
        assertEquals(1, greedy.next(new float[] {1f, 3f, 3f, 2f}));
        assertEquals(0, greedy.next(new float[] {-0f, 0f}));
        assertEquals(3, greedy.next(new float[] {-5f, -4f, -3f, -1f}));
    }

    /**
     * Each draw picks token i with probability p_i, so its count over N draws is Binomial(N, p_i) with mean
     * N p_i and standard deviation sigma_i = sqrt(N p_i (1 - p_i)). With N = 20,000 and these p_i (0.015 to
     * 0.65), N p_i (1 - p_i) is above 290, so the normal approximation holds, and a correct sampler lands
     * beyond 4 sigma with probability about 6e-5 per token (under 4e-4 for all five). 4 sigma is at most 1.4
     * percentage points here; ignoring the temperature (T = 1 instead of 0.8) would move p_0 from 0.647 to
     * 0.563, about 25 sigma.
     */
    @Test
    void drawsFollowTheTemperedSoftmax() {
        float[] logits = {2.0f, 1.0f, 0.5f, -1.0f, 0.0f};
        double temperature = 0.8;
        int[] counts = draw(new SamplingParams(temperature, 0, 1.0, 1234L, 1, List.of()), logits, DRAWS);
        double[] expected = softmax(logits, temperature);
        for (int id = 0; id < logits.length; id++) {
            double sigma = Math.sqrt(DRAWS * expected[id] * (1 - expected[id]));
            double deviation = Math.abs(counts[id] - DRAWS * expected[id]);
            assertTrue(deviation <= 4 * sigma,
                    "token " + id + ": " + counts[id] + " draws, expected " + DRAWS * expected[id] + " +- " + 4 * sigma);
        }
    }

    @Test
    void topKOfOneIsGreedy() {
        Random random = new Random(3);
        Sampler topOne = new Sampler(new SamplingParams(1.5, 1, 1.0, 9L, 1, List.of()));
        Sampler greedy = new Sampler(SamplingParams.greedy(1));
        for (int run = 0; run < 200; run++) {
            float[] logits = new float[1000];
            for (int id = 0; id < logits.length; id++) {
                logits[id] = (float) random.nextGaussian();
            }
            logits[random.nextInt(1000)] = logits[random.nextInt(1000)];
            assertEquals(greedy.next(logits), topOne.next(logits));
        }
        float[] tied = {0f, 2f, 1f, 2f};
        assertEquals(1, topOne.next(tied));
    }

    @Test
    void topKDrawsOnlyTheKHighestTokens() {
        Random random = new Random(5);
        float[] logits = new float[5000];
        for (int id = 0; id < logits.length; id++) {
            logits[id] = (float) random.nextGaussian();
        }
        Integer[] byLogit = new Integer[logits.length];
        Arrays.setAll(byLogit, id -> id);
        Arrays.sort(byLogit, (a, b) -> Float.compare(logits[b], logits[a]));
        int[] counts = draw(new SamplingParams(2.0, 10, 1.0, 11L, 1, List.of()), logits, 5000);
        for (int rank = 0; rank < logits.length; rank++) {
            int count = counts[byLogit[rank]];
            assertTrue(rank < 10 ? count > 0 : count == 0, "token of rank " + rank + " drawn " + count + " times");
        }
    }

    /** Probabilities 0.15, 0.5, 0.05, 0.3: the nucleus for top_p 0.75 is ids 1 and 3 (mass 0.8). */
    @Test
    void topPDrawsExactlyTheNucleusRenormalised() {
        float[] logits = logitsOf(0.15, 0.5, 0.05, 0.3);
        int[] counts = draw(new SamplingParams(1.0, 0, 0.75, 21L, 1, List.of()), logits, DRAWS);
        assertEquals(0, counts[0]);
        assertEquals(0, counts[2]);
        // Inside the nucleus, id 1 has probability 0.5 / 0.8; tolerance 4 binomial sigma as above.
        double p = 0.5 / 0.8;
        assertEquals(DRAWS * p, counts[1], 4 * Math.sqrt(DRAWS * p * (1 - p)));
        assertEquals(DRAWS, counts[1] + counts[3]);
    }

    @Test
    void topPAlwaysKeepsTheMostLikelyToken() {
        int[] counts = draw(new SamplingParams(1.0, 0, 0.1, 2L, 1, List.of()), logitsOf(0.15, 0.5, 0.05, 0.3), 1000);
        assertEquals(1000, counts[1]);
    }

    /** After top-k = 2 the top token has 0.4 / 0.7 = 0.57 >= top_p 0.5; without renormalising, 0.4 < 0.5. */
    @Test
    void topPAppliesToTheTopKRenormalisedDistribution() {
        int[] counts = draw(new SamplingParams(1.0, 2, 0.5, 4L, 1, List.of()), logitsOf(0.4, 0.3, 0.2, 0.1), 1000);
        assertEquals(1000, counts[0]);
    }

    @Test
    void theSeedFixesTheSequence() {
        assertEquals(sequence(42L), sequence(42L));
        assertNotEquals(sequence(42L), sequence(43L));
    }

    @Test
    void nonFiniteLogitsAreReported() {
        Sampler sampler = new Sampler(new SamplingParams(1.0, 0, 1.0, 1L, 1, List.of()));
        IllegalStateException nan = assertThrows(IllegalStateException.class,
                () -> sampler.next(new float[] {0f, Float.NaN}));
        assertEquals("the model produced a non-finite logit: NaN for token 1", nan.getMessage());
        Sampler greedy = new Sampler(SamplingParams.greedy(1));
        IllegalStateException infinite = assertThrows(IllegalStateException.class,
                () -> greedy.next(new float[] {Float.POSITIVE_INFINITY, 0f}));
        assertEquals("the model produced a non-finite logit: Infinity for token 0", infinite.getMessage());
    }

    private static List<Integer> sequence(long seed) {
        Sampler sampler = new Sampler(new SamplingParams(1.0, 0, 1.0, seed, 1, List.of()));
        Random logitsSource = new Random(0);
        Integer[] tokens = new Integer[100];
        for (int step = 0; step < tokens.length; step++) {
            float[] logits = new float[50];
            for (int id = 0; id < logits.length; id++) {
                logits[id] = (float) logitsSource.nextGaussian();
            }
            tokens[step] = sampler.next(logits);
        }
        return List.of(tokens);
    }

    private static int[] draw(SamplingParams params, float[] logits, int draws) {
        Sampler sampler = new Sampler(params);
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.next(logits)]++;
        }
        return counts;
    }

    private static float[] logitsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int id = 0; id < logits.length; id++) {
            logits[id] = (float) Math.log(probabilities[id]);
        }
        return logits;
    }

    private static double[] softmax(float[] logits, double temperature) {
        double[] weights = new double[logits.length];
        double total = 0;
        for (int id = 0; id < logits.length; id++) {
            weights[id] = Math.exp(logits[id] / temperature);
            total += weights[id];
        }
        for (int id = 0; id < logits.length; id++) {
            weights[id] /= total;
        }
        return weights;
    }
}
