package dev.flexserve.ownerkit.evaluation;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import dev.flexserve.ownerkit.training.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.flexserve.model.weights.WeightNames.router;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing shares count the decisions of the served gate: with all router rows zero, the non-positive biases alone
 * decide the top-2 in each layer, so the expected shares follow from the biases.
 */
class RoutingSharesTest {
    static final FlexOlmoConfig CONFIG = new FlexOlmoConfig(257, 16, 32, 2, 2, 1, 8, 3, 2, 1e-6, 10000.0, 64, 256);

    @Test
    void everyLayerPicksThePublicExpertAndExpertOne(@TempDir Path dir) throws Exception {
        Map<String, Double> shares = shares(dir, new float[][]{{0f, 0f, -5f}, {0f, 0f, -5f}});
        assertThat(shares).containsOnlyKeys("public", "expert-1", "expert-2");
        assertThat(shares.get("public")).isEqualTo(1.0);
        assertThat(shares.get("expert-1")).isEqualTo(1.0);
        assertThat(shares.get("expert-2")).isEqualTo(0.0);
    }

    @Test
    void eachLayerCountsOnce(@TempDir Path dir) throws Exception {
        // Layer 0 picks {public, expert-2}, layer 1 {public, expert-1}.
        Map<String, Double> shares = shares(dir, new float[][]{{0f, -5f, 0f}, {0f, 0f, -5f}});
        assertThat(shares.get("expert-1")).isEqualTo(0.5);
        assertThat(shares.get("expert-2")).isEqualTo(0.5);
        assertThat(shares.get("public")).isEqualTo(1.0);
    }

    private static Map<String, Double> shares(Path dir, float[][] bias) throws Exception {
        InMemoryWeights weights = RandomWeights.generate(CONFIG, 5);
        for (int l = 0; l < CONFIG.numHiddenLayers(); l++) {
            weights.put(router(l), new float[CONFIG.numExperts() * CONFIG.hiddenSize()], CONFIG.numExperts(), CONFIG.hiddenSize());
        }
        PackageWriter writer = new PackageWriter(CONFIG);
        PackageWriter.Metadata meta = new PackageWriter.Metadata("test", "test", "CC0-1.0", "routing shares test");
        String hash = writer.writeTrunk(dir.resolve("trunk"), weights, TokenizerAsset.bytes(), meta);
        for (int e = 0; e < CONFIG.numExperts(); e++) {
            float[] b = e == 0 ? null : new float[]{bias[0][e], bias[1][e]};
            String id = e == 0 ? "public" : "expert-" + e;
            writer.writeExpert(dir.resolve(id), id, weights, e, b, hash, meta);
        }
        Map<String, TextChunks> texts = new LinkedHashMap<>();
        // Pieces of several lengths (the last piece of each text is shorter), and a domain without an expert.
        texts.put("public", TextChunks.of(List.of("The quick brown fox jumps over the lazy dog, twice."), 16, 1 << 20));
        texts.put("expert-1", TextChunks.of(List.of("int x = 1; return x + 2;", "while (true) { }"), 16, 1 << 20));
        texts.put("expert-2", TextChunks.of(List.of("|- ( ph -> ps ) $."), 16, 1 << 20));
        texts.put("other", TextChunks.of(List.of("no expert has this id"), 16, 1 << 20));
        try (NDManager root = Torch.start(1)) {
            return RoutingShares.of(ModelSet.load(dir), texts, root);
        }
    }
}
