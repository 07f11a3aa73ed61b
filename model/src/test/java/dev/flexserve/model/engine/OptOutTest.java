package dev.flexserve.model.engine;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.testing.Closeness;
import dev.flexserve.model.testing.ReferenceFlexOlmo;
import dev.flexserve.model.testing.TestModels;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.flexserve.model.testing.ReferenceFlexOlmo.Gating.FLEXOLMO;
import static dev.flexserve.model.testing.ReferenceFlexOlmo.Gating.RENORMALISED;
import static dev.flexserve.model.testing.ReferenceFlexOlmo.Gating.ZERO_AFTER_SOFTMAX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opt-out is exact: a sequence that excludes expert 2 computes what a model built without expert 2 computes.
 * The wrong gate variants (zeroing after the softmax, renormalising) are checked to be distinguishable here.
 */
class OptOutTest {
    static final int[] PROMPT = {12, 7, 33, 2, 58, 19, 4};
    static final Set<String> WITHOUT_2 = Set.of("public", "expert-1", "expert-3");

    @TempDir
    static Path root;
    static FlexOlmoConfig config;
    static InMemoryWeights weights;
    static Engine full;
    static Engine without2;

    @BeforeAll
    static void models() {
        config = TestModels.config(4, 2, 4, 2);
        weights = RandomWeights.generate(config, 99);
        // Both model sets come from the same weights; the second simply never had expert 2's package.
        full = Engine.inProcess(ModelSet.load(TestModels.write(root.resolve("full"), config, weights, null, 0, 1, 2, 3)), 0, 1);
        without2 = Engine.inProcess(ModelSet.load(TestModels.write(root.resolve("without"), config, weights, null, 0, 1, 3)), 0, 1);
    }

    @AfterAll
    static void close() {
        full.close();
        without2.close();
    }

    @Test
    void excludingAnExpertEqualsTheModelWithoutIt() {
        float[] masked = lastLogits(full, WITHOUT_2, PROMPT);
        float[] deleted = lastLogits(without2, null, PROMPT);
        assertTrue(Closeness.relativeError(masked, deleted) <= 1e-6, "relative error " + Closeness.relativeError(masked, deleted));
        assertArrayEquals(greedy(without2, null, 8), greedy(full, WITHOUT_2, 8), "greedy tokens, token for token");
    }

    @Test
    void excludingAnExpertChangesTheOutput() {
        float[] masked = lastLogits(full, WITHOUT_2, PROMPT);
        float[] all = lastLogits(full, null, PROMPT);
        assertTrue(Closeness.relativeError(masked, all) > 1e-3, "expert 2 must matter for this prompt");
    }

    @Test
    void matchesTheReference() {
        float[] masked = allLogits(full, WITHOUT_2, PROMPT);
        ReferenceFlexOlmo right = new ReferenceFlexOlmo(config, weights, null, FLEXOLMO);
        assertTrue(maxError(config, masked, right.logits(PROMPT, new int[]{0, 1, 3}, 2)) <= 1e-4);
    }

    /**
     * Zeroing after the softmax and renormalising both only rescale the MoE output, which the post-FFN RMSNorm
     * removes up to eps; with the usual eps they are invisible in the logits (GateTest rules them out at the
     * gate). With an eps as large as the MoE output's mean square the norm keeps the scale, and the engine must
     * then match the specified gate and differ from both wrong ones.
     */
    @Test
    void wrongGatesAreVisibleWhenTheNormKeepsScale(@TempDir Path dir) {
        FlexOlmoConfig largeEps = TestModels.config(4, 2, 4, 2, 0.5);
        InMemoryWeights w = RandomWeights.generate(largeEps, 5);
        int[] allowed = {0, 1, 3};
        try (Engine engine = Engine.inProcess(ModelSet.load(TestModels.write(dir, largeEps, w, null, 0, 1, 2, 3)), 0, 1)) {
            float[] masked = allLogits(engine, WITHOUT_2, PROMPT);
            double right = maxError(largeEps, masked, new ReferenceFlexOlmo(largeEps, w, null, FLEXOLMO).logits(PROMPT, allowed, 2));
            double zeroed = maxError(largeEps, masked, new ReferenceFlexOlmo(largeEps, w, null, ZERO_AFTER_SOFTMAX).logits(PROMPT, allowed, 2));
            double renormalised = maxError(largeEps, masked, new ReferenceFlexOlmo(largeEps, w, null, RENORMALISED).logits(PROMPT, allowed, 2));
            assertTrue(right <= 1e-4, "engine equals the specified gate: " + right);
            assertTrue(zeroed > 1e-3, "zeroing after the softmax must be distinguishable: " + zeroed);
            assertTrue(renormalised > 1e-3, "renormalising must be distinguishable: " + renormalised);
        }
    }

    private static double maxError(FlexOlmoConfig c, float[] allPositions, double[][] expected) {
        int vocab = c.vocabSize();
        double worst = 0;
        for (int p = 0; p < expected.length; p++) {
            worst = Math.max(worst, Closeness.relativeError(Arrays.copyOfRange(allPositions, p * vocab, (p + 1) * vocab), expected[p]));
        }
        return worst;
    }

    private static float[] lastLogits(Engine engine, Set<String> allowed, int[] tokens) {
        return engine.forward(List.of(engine.newSequence(allowed, tokens.length)), List.of(tokens), false)[0];
    }

    private static float[] allLogits(Engine engine, Set<String> allowed, int[] tokens) {
        return engine.forward(List.of(engine.newSequence(allowed, tokens.length)), List.of(tokens), true)[0];
    }

    private static int[] greedy(Engine engine, Set<String> allowed, int count) {
        Sequence seq = engine.newSequence(allowed, PROMPT.length);
        float[] logits = engine.forward(List.of(seq), List.of(PROMPT), false)[0];
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int next = argmax(logits);
            out.add(next);
            logits = engine.forward(List.of(seq), List.of(new int[]{next}), false)[0];
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
