package dev.flexserve.model.engine;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.testing.Closeness;
import dev.flexserve.model.testing.ReferenceFlexOlmo;
import dev.flexserve.model.testing.TestModels;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.flexserve.model.testing.ReferenceFlexOlmo.Gating.FLEXOLMO;

/** The ONNX graphs plus Java gating equal the naive reference of DESIGN.md §1 at every position. */
class GraphEquivalenceTest {
    static final double TOLERANCE = 1e-4;
    static final int[] PROMPT = {3, 17, 42, 5, 60, 0, 29, 11, 8};

    @ParameterizedTest(name = "heads={0} kv_heads={1} experts={2} k={3} bias={4}")
    @CsvSource({
            "4, 4, 1, 1, false",
            "4, 2, 2, 1, false",
            "4, 2, 3, 2, false",
            "4, 1, 4, 3, true",
            "8, 2, 5, 5, true",
            "2, 2, 5, 2, true",
    })
    void engineMatchesReference(int heads, int kvHeads, int experts, int k, boolean withBias, @TempDir Path dir) {
        FlexOlmoConfig config = TestModels.config(heads, kvHeads, experts, k);
        InMemoryWeights weights = RandomWeights.generate(config, 1000 + experts * 10L + k);
        float[][] bias = withBias ? bias(config) : null;
        TestModels.write(dir, config, weights, bias, TestModels.all(experts));
        ReferenceFlexOlmo reference = new ReferenceFlexOlmo(config, weights, bias, FLEXOLMO);
        double[][] expected = reference.logits(PROMPT, TestModels.all(experts), k);
        try (Engine engine = Engine.inProcess(ModelSet.load(dir), 0, 1)) {
            Sequence seq = engine.newSequence(null, PROMPT.length);
            float[] all = engine.forward(List.of(seq), List.of(PROMPT), true)[0];
            int vocab = config.vocabSize();
            for (int pos = 0; pos < PROMPT.length; pos++) {
                Closeness.assertClose(Arrays.copyOfRange(all, pos * vocab, (pos + 1) * vocab), expected[pos], TOLERANCE,
                        "position " + pos);
            }
        }
    }

    /** Non-positive biases for every expert but the public one (index 0). */
    static float[][] bias(FlexOlmoConfig config) {
        float[][] bias = new float[config.numExperts()][];
        for (int e = 1; e < config.numExperts(); e++) {
            bias[e] = new float[config.numHiddenLayers()];
            for (int l = 0; l < bias[e].length; l++) {
                bias[e][l] = -0.3f * e - 0.5f * l;
            }
        }
        return bias;
    }
}
