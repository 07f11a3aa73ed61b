package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DJL training forward computes the function the model library serves: weights exported to packages with
 * {@code PackageWriter} and run by the ONNX {@code Engine} give the same logits as {@link TorchFlexOlmo} on the same
 * tokens, within 1e-4 relative (max |a - b| / max |b| over each position's logits, docs/model.md).
 */
class TorchEngineEquivalenceTest {

    @Test
    void djlForwardMatchesTheServedModelWithTopTwoOfThreeAndBias(@TempDir Path dir) throws Exception {
        // Three experts, top-2: the gate really selects, and the non-public experts carry a per-layer bias.
        FlexOlmoConfig config = new FlexOlmoConfig(257, 32, 48, 2, 4, 2, 8, 3, 2, 1e-6, 10000.0, 128, 256);
        InMemoryWeights weights = RandomWeights.generate(config, 7);
        float[][] bias = {{0f, -0.3f, -0.1f}, {0f, -0.05f, -0.7f}};
        compare(dir, config, weights, bias);
    }

    @Test
    void djlForwardMatchesTheServedDenseModel(@TempDir Path dir) throws Exception {
        FlexOlmoConfig config = new FlexOlmoConfig(257, 32, 64, 2, 4, 4, 8, 1, 1, 1e-6, 10000.0, 128, 256);
        compare(dir, config, RandomWeights.generate(config, 11), null);
    }

    static void compare(Path dir, FlexOlmoConfig config, InMemoryWeights weights, float[][] bias) throws Exception {
        PackageWriter writer = new PackageWriter(config);
        PackageWriter.Metadata meta = new PackageWriter.Metadata("test", "test", "CC0-1.0", "equivalence test");
        String hash = writer.writeTrunk(dir.resolve("trunk"), weights, TokenizerAsset.bytes(), meta);
        for (int e = 0; e < config.numExperts(); e++) {
            float[] b = null;
            if (e > 0 && bias != null) {
                b = new float[config.numHiddenLayers()];
                for (int l = 0; l < b.length; l++) {
                    b[l] = bias[l][e];
                }
            }
            String id = e == 0 ? "public" : "expert-" + e;
            writer.writeExpert(dir.resolve(id), id, weights, e, b, hash, meta);
        }
        int length = 40;
        int batch = 2;
        long[] tokens = new long[batch * length];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(257);
        }
        float[][] served = new float[batch][];
        try (Engine engine = Engine.inProcess(ModelSet.load(dir), 0, 1)) {
            for (int s = 0; s < batch; s++) {
                int[] seq = new int[length];
                for (int i = 0; i < length; i++) {
                    seq[i] = (int) tokens[s * length + i];
                }
                Sequence sequence = engine.newSequence(null, length);
                served[s] = engine.forward(List.of(sequence), List.of(seq), true)[0];
            }
        }
        try (NDManager root = Torch.start(2);
             TorchFlexOlmo model = new TorchFlexOlmo(config, weights, bias, root);
             NDManager step = root.newSubManager()) {
            NDArray logits = model.forward(step, tokens, batch, length, null);
            float[] trained = logits.toFloatArray();
            int v = config.vocabSize();
            double worst = 0;
            for (int s = 0; s < batch; s++) {
                for (int p = 0; p < length; p++) {
                    double maxDiff = 0;
                    double maxRef = 0;
                    for (int j = 0; j < v; j++) {
                        double ref = served[s][p * v + j];
                        maxDiff = Math.max(maxDiff, Math.abs(trained[(s * length + p) * v + j] - ref));
                        maxRef = Math.max(maxRef, Math.abs(ref));
                    }
                    worst = Math.max(worst, maxDiff / maxRef);
                }
            }
            assertThat(worst).as("max relative logit difference").isLessThan(1e-4);
        }
    }
}
