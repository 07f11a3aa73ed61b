package dev.flexserve.model.generation;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.testing.ReferenceFlexOlmo;
import dev.flexserve.model.testing.TestModels;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.flexserve.model.testing.ReferenceFlexOlmo.Gating.FLEXOLMO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {
    @TempDir
    static Path root;
    static FlexOlmoConfig config;
    static InMemoryWeights weights;
    static Engine engine;
    static Tokenizer tokenizer;
    static Generator generator;

    @BeforeAll
    static void model() {
        config = TestModels.config(4, 2, 4, 2);
        weights = RandomWeights.generate(config, 77);
        ModelSet set = ModelSet.load(TestModels.write(root.resolve("test"), config, weights, null, TestModels.all(4)));
        engine = Engine.inProcess(set, 0, 1);
        tokenizer = set.trunk().openTokenizer();
        generator = new Generator(engine, tokenizer);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void greedyGenerationEqualsTheReference() {
        int[] prompt = {9, 3, 27, 44};
        GenerationResult r = generator.generate(new GenerationRequest(prompt, SamplingParams.greedy(6), Set.of("public", "expert-1", "expert-3")));
        int[] expected = new ReferenceFlexOlmo(config, weights, null, FLEXOLMO).greedy(prompt, new int[]{0, 1, 3}, 2, 6);
        assertArrayEquals(expected, r.tokens());
        assertEquals("length", r.finishReason());
        assertNull(r.text(), "a model without tokenizer has no text");
    }

    @Test
    void batchingDoesNotChangeResults() {
        List<GenerationRequest> requests = List.of(
                new GenerationRequest(new int[]{1, 2, 3, 4, 5, 6, 7}, SamplingParams.greedy(5), null),
                new GenerationRequest(new int[]{50}, new SamplingParams(0.8, 0, 0.9, 42L, 9, List.of()), Set.of("expert-2")),
                new GenerationRequest(new int[]{11, 12, 13}, new SamplingParams(1.0, 10, 1.0, 7L, 3, List.of()), Set.of("public", "expert-2")));
        List<GenerationResult> batched = generator.generate(requests);
        for (int i = 0; i < requests.size(); i++) {
            GenerationResult alone = generator.generate(requests.get(i));
            assertArrayEquals(alone.tokens(), batched.get(i).tokens(), "request " + i);
            // Padding changes how ONNX Runtime blocks its matrix products, so gate weights may differ in the last bits.
            for (int e = 0; e < alone.attribution().size(); e++) {
                ExpertAttribution a = alone.attribution().get(e);
                ExpertAttribution b = batched.get(i).attribution().get(e);
                assertEquals(a.expert(), b.expert());
                assertEquals(a.tokens(), b.tokens());
                assertEquals(a.promptTokens(), b.promptTokens());
                assertEquals(a.weight(), b.weight(), 1e-6);
            }
        }
    }

    @Test
    void attributionFollowsDesignSection6() {
        int[] prompt = {5, 6, 7, 8, 9};
        GenerationResult r = generator.generate(new GenerationRequest(prompt, SamplingParams.greedy(8), null));
        assertEquals(4, r.attribution().size(), "every allowed expert is listed");
        assertEquals(1.0, r.attribution().stream().mapToDouble(ExpertAttribution::weight).sum(), 1e-9);
        int selections = 0;
        for (ExpertAttribution a : r.attribution()) {
            assertTrue(a.tokens() <= r.completionTokens());
            assertTrue(a.promptTokens() <= prompt.length);
            assertTrue(a.weight() >= 0);
            selections += a.tokens();
        }
        // Two experts per token in each of two layers: every generated token selected at least two experts.
        assertTrue(selections >= 2 * r.completionTokens(), "selections " + selections);

        GenerationResult only = generator.generate(new GenerationRequest(prompt, SamplingParams.greedy(4), Set.of("expert-3")));
        ExpertAttribution a = only.attribution().get(0);
        assertEquals(List.of("expert-3"), only.attribution().stream().map(ExpertAttribution::expert).toList());
        assertEquals(1.0, a.weight(), 1e-9);
        assertEquals(4, a.tokens());
        assertEquals(prompt.length, a.promptTokens());
    }

    @Test
    void restartedCompletionContinuesAsIfTheExpertNeverWasThere() {
        int[] prompt = {2, 4, 6, 8};
        Set<String> without2 = Set.of("public", "expert-1", "expert-3");
        Completion c = generator.start(new GenerationRequest(prompt, SamplingParams.greedy(6), null));
        for (int i = 0; i < 3; i++) {
            generator.step(List.of(c));
        }
        c.restart(engine.newSequence(without2, prompt.length + 3));
        while (!c.finished()) {
            generator.step(List.of(c));
        }
        int[] soFar = Arrays.copyOf(c.tokens(), 3);
        int[] continued = Arrays.copyOfRange(c.tokens(), 3, 6);
        int[] history = new int[prompt.length + 3];
        System.arraycopy(prompt, 0, history, 0, prompt.length);
        System.arraycopy(soFar, 0, history, prompt.length, 3);
        int[] expected = new ReferenceFlexOlmo(config, weights, null, FLEXOLMO).greedy(history, new int[]{0, 1, 3}, 2, 3);
        assertArrayEquals(expected, continued);
        GenerationResult r = c.result();
        assertEquals(6, r.completionTokens());
        assertEquals(4, r.attribution().size(), "attribution lists the experts admitted at the start");
        assertEquals(1.0, r.attribution().stream().mapToDouble(ExpertAttribution::weight).sum(), 1e-9);
        assertTrue(r.attribution().stream().allMatch(a -> a.promptTokens() <= prompt.length), "prompt counted once");
    }

    @Test
    void seededSamplingIsReproducible() {
        GenerationRequest r = new GenerationRequest(new int[]{3, 4}, new SamplingParams(1.0, 0, 1.0, 123L, 12, List.of()), null);
        assertArrayEquals(generator.generate(r).tokens(), generator.generate(r).tokens());
    }

    @Test
    void promptThatFillsTheContextIsRefused() {
        int[] prompt = new int[config.maxPositionEmbeddings()];
        Exception e = assertThrows(IllegalArgumentException.class, () -> generator.generate(new GenerationRequest(prompt, SamplingParams.greedy(1), null)));
        assertThat(e.getMessage()).contains("the context holds " + config.maxPositionEmbeddings());
    }

    @Test
    void unknownExpertIsRefused() {
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(new GenerationRequest(new int[]{1}, SamplingParams.greedy(1), Set.of("expert-9"))));
        assertThat(e.getMessage()).contains("unknown expert 'expert-9'");
    }

    @Test
    void stopSequenceCutsTheTextOnTheDemoModels() throws IOException {
        Path demo = root.resolve("demo");
        DemoModels.write(demo);
        ModelSet set = ModelSet.load(demo);
        try (Engine demoEngine = Engine.inProcess(set, 0, 1); Tokenizer bytes = set.trunk().openTokenizer()) {
            Generator g = new Generator(demoEngine, bytes);
            int[] prompt = bytes.encode("The committee met on");
            GenerationResult free = g.generate(new GenerationRequest(prompt, SamplingParams.greedy(24), null));
            assertTrue(free.text().length() > 6, "text: " + free.text());
            String stop = free.text().substring(5, 6);
            GenerationResult stopped = g.generate(new GenerationRequest(prompt,
                    new SamplingParams(0, 0, 1, null, 24, List.of(stop)), null));
            assertEquals("stop", stopped.finishReason());
            assertEquals(free.text().substring(0, free.text().indexOf(stop)), stopped.text());
        }
    }
}
