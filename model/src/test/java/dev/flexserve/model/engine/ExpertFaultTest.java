package dev.flexserve.model.engine;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.testing.TestModels;
import dev.flexserve.model.weights.RandomWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An expert that fails (throws, answers NaN/Inf or the wrong shape) is dropped for the sequences it served and
 * their rows are routed again without it. An expert that fails every call is therefore exactly an opted-out one.
 */
class ExpertFaultTest {
    enum Fault { THROWS, NAN, WRONG_SHAPE }

    static final int[] PROMPT = {8, 16, 24, 32, 40};

    @TempDir
    static Path dir;
    static ModelSet models;
    static Engine healthy;

    @BeforeAll
    static void model() {
        FlexOlmoConfig config = TestModels.config(4, 2, 4, 2);
        models = ModelSet.load(TestModels.write(dir, config, RandomWeights.generate(config, 31), null, TestModels.all(4)));
        healthy = Engine.inProcess(models, 0, 1);
    }

    @AfterAll
    static void close() {
        healthy.close();
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void failingExpertEqualsOptingItOut(Fault fault) {
        Engine faulty = withExpert2(healthy, ffn -> (layer, rows, count) -> switch (fault) {
            case THROWS -> throw new EngineException("connection refused");
            case NAN -> {
                float[] out = ffn.forward(layer, rows, count);
                out[out.length / 2] = Float.NaN;
                yield out;
            }
            case WRONG_SHAPE -> Arrays.copyOf(ffn.forward(layer, rows, count), rows.length - 1);
        });
        Generator expected = new Generator(healthy, models.trunk().openTokenizer());
        Generator actual = new Generator(faulty, models.trunk().openTokenizer());
        GenerationResult optedOut = expected.generate(new GenerationRequest(PROMPT, SamplingParams.greedy(8), Set.of("public", "expert-1", "expert-3")));
        GenerationResult failed = actual.generate(new GenerationRequest(PROMPT, SamplingParams.greedy(8), null));
        assertArrayEquals(optedOut.tokens(), failed.tokens());
        assertEquals("length", failed.finishReason());
        assertEquals(1, failed.dropped().size(), "expert-2 is dropped once and not called again");
        assertEquals("expert-2", failed.dropped().get(0).expert());
        assertThat(failed.dropped().get(0).reason()).contains(switch (fault) {
            case THROWS -> "connection refused";
            case NAN -> "NaN";
            case WRONG_SHAPE -> "values for";
        });
    }

    @Test
    void otherSequencesInTheBatchKeepTheExpertUntilTheyHitTheFault() {
        List<Integer> layersCalled = new ArrayList<>();
        Engine faulty = withExpert2(healthy, ffn -> (layer, rows, count) -> {
            layersCalled.add(layer);
            throw new EngineException("down");
        });
        Sequence usesIt = faulty.newSequence(null, PROMPT.length);
        Sequence avoidsIt = faulty.newSequence(Set.of("public", "expert-1"), PROMPT.length);
        faulty.forward(List.of(usesIt, avoidsIt), List.of(PROMPT, PROMPT), false);
        assertEquals(List.of("expert-2"), usesIt.drops().stream().map(ExpertDrop::expert).toList());
        assertTrue(avoidsIt.drops().isEmpty());
        assertEquals(1, layersCalled.size(), "after the first failure the expert is not called again for that sequence");
    }

    @Test
    void sequenceWithoutAnyExpertLeftFails() {
        Engine faulty = withExpert2(healthy, ffn -> (layer, rows, count) -> {
            throw new EngineException("down");
        });
        GenerationResult r = new Generator(faulty, models.trunk().openTokenizer())
                .generate(new GenerationRequest(PROMPT, SamplingParams.greedy(4), Set.of("expert-2")));
        assertEquals("error", r.finishReason());
        assertEquals(0, r.tokens().length);
        assertThat(r.error()).contains("no allowed expert is left after expert-2 failed: down");
    }

    private static Engine withExpert2(Engine base, UnaryOperator<ExpertFfn> wrap) {
        List<Expert> experts = new ArrayList<>(base.experts());
        Expert e2 = experts.get(2);
        experts.set(2, new Expert(e2.id(), e2.owner(), e2.version(), e2.router(), e2.bias(), wrap.apply(e2.ffn())));
        return new Engine(models.trunk(), base.trunkRuntime(), experts, base.expertsPerToken());
    }
}
