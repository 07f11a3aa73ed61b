package dev.flexserve.model.engine;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.testing.Closeness;
import dev.flexserve.model.testing.TestModels;
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

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cached, batched decoding equals recomputing each sequence from scratch: sequences of different lengths and
 * different allowed expert sets share one batched prefill and batched decode steps.
 */
class KvCacheDecodeTest {
    static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;
    static Engine engine;

    @BeforeAll
    static void model() {
        FlexOlmoConfig config = TestModels.config(4, 2, 4, 2);
        TestModels.write(dir, config, RandomWeights.generate(config, 7), GraphEquivalenceTest.bias(config), TestModels.all(4));
        engine = Engine.inProcess(ModelSet.load(dir), 0, 1);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void batchedCachedDecodeEqualsRecomputation() {
        List<int[]> prompts = List.of(new int[]{5, 9, 2}, new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, new int[]{40}, new int[]{7, 7, 7, 7, 7, 7});
        List<Set<String>> allowed = Arrays.asList(null, Set.of("public", "expert-2"), Set.of("expert-3"), Set.of("public", "expert-1", "expert-3"));
        List<Sequence> batch = new ArrayList<>();
        List<List<Integer>> history = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            batch.add(engine.newSequence(allowed.get(i), prompts.get(i).length));
            List<Integer> h = new ArrayList<>();
            for (int t : prompts.get(i)) {
                h.add(t);
            }
            history.add(h);
        }
        float[][] logits = engine.forward(batch, prompts, false);
        for (int step = 0; step < 6; step++) {
            List<int[]> next = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                float[] expected = recompute(history.get(i), allowed.get(i));
                double err = Closeness.relativeError(logits[i], expected);
                assertTrue(err <= TOLERANCE, "step " + step + " sequence " + i + ": relative error " + err);
                int token = (step * 13 + i * 7) % engine.config().vocabSize();
                next.add(new int[]{token});
                history.get(i).add(token);
            }
            logits = engine.forward(batch, next, false);
        }
    }

    @Test
    void chunkedPrefillEqualsOneShotPrefill() {
        int[] prompt = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
        Sequence chunked = engine.newSequence(null, prompt.length);
        engine.forward(List.of(chunked), List.of(Arrays.copyOfRange(prompt, 0, 4)), false);
        float[] last = engine.forward(List.of(chunked), List.of(Arrays.copyOfRange(prompt, 4, prompt.length)), false)[0];
        List<Integer> all = new ArrayList<>();
        for (int t : prompt) {
            all.add(t);
        }
        double err = Closeness.relativeError(last, recompute(all, null));
        assertTrue(err <= TOLERANCE, "relative error " + err);
    }

    private static float[] recompute(List<Integer> tokens, Set<String> allowed) {
        int[] ids = tokens.stream().mapToInt(Integer::intValue).toArray();
        Sequence fresh = engine.newSequence(allowed, ids.length);
        return engine.forward(List.of(fresh), List.of(ids), false)[0];
    }
}
