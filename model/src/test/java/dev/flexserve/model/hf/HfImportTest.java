package dev.flexserve.model.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.config.ConfigException;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.packages.PackageException;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.testing.ByteLevelBpeFixture;
import dev.flexserve.model.testing.Closeness;
import dev.flexserve.model.testing.HfCheckpointWriter;
import dev.flexserve.model.testing.ReferenceFlexOlmo;
import dev.flexserve.model.testing.TestModels;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import dev.flexserve.model.weights.WeightException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.flexserve.model.testing.ReferenceFlexOlmo.Gating.FLEXOLMO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Import of Hugging Face FlexOlmo checkpoints: sharded BF16, fused layout, and refusal of broken ones. */
class HfImportTest {
    static final int[] PROMPT = {4, 40, 22, 9, 31, 17};

    @TempDir
    static Path root;
    static FlexOlmoConfig config;
    static InMemoryWeights weights;

    @BeforeAll
    static void weights() {
        config = TestModels.config(4, 2, 3, 2);
        weights = RandomWeights.generate(config, 2024);
    }

    @Test
    void shardedBf16CheckpointImportsAndMatchesTheReference() throws IOException {
        Path ckpt = HfCheckpointWriter.write(root.resolve("bf16"), config, weights, DType.BF16, 3, false);
        assertTrue(Files.exists(ckpt.resolve("model.safetensors.index.json")));
        HfImporter.Result r = HfImporter.importCheckpoint(ckpt, root.resolve("bf16-packages"), 4096);
        assertEquals(List.of("public", "expert-1", "expert-2"), r.experts());
        InMemoryWeights asStored = HfCheckpointWriter.rounded(weights, DType.BF16, root);
        assertMatchesReference(root.resolve("bf16-packages"), asStored);
        // The small external-data threshold put large tensors next to the graphs; they are hashed package files.
        assertTrue(Files.exists(root.resolve("bf16-packages/trunk/embedding.onnx.data")));
    }

    @Test
    void fusedExpertLayoutImportsToTheSamePackages() throws IOException {
        Path perExpert = HfCheckpointWriter.write(root.resolve("f16"), config, weights, DType.F16, 1, false);
        Path fused = HfCheckpointWriter.write(root.resolve("f16-fused"), config, weights, DType.F16, 2, true);
        HfImporter.Result a = HfImporter.importCheckpoint(perExpert, root.resolve("f16-packages"), 1L << 40);
        HfImporter.Result b = HfImporter.importCheckpoint(fused, root.resolve("f16-fused-packages"), 1L << 40);
        assertEquals(a.trunkHash(), b.trunkHash());
        ModelSet sa = ModelSet.load(a.out());
        ModelSet sb = ModelSet.load(b.out());
        for (int i = 0; i < sa.experts().size(); i++) {
            assertEquals(sa.experts().get(i).hash(), sb.experts().get(i).hash(), "expert " + sa.experts().get(i).id());
        }
        assertMatchesReference(b.out(), HfCheckpointWriter.rounded(weights, DType.F16, root));
    }

    @Test
    void truncatedShardIsRefused() throws IOException {
        Path ckpt = HfCheckpointWriter.write(root.resolve("truncated"), config, weights, DType.F32, 2, false);
        Path shard = ckpt.resolve("model-00002-of-00002.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        Exception e = assertThrows(WeightException.class, () -> HfImporter.importCheckpoint(ckpt, root.resolve("truncated-out"), 1L << 40));
        assertThat(e.getMessage()).contains("model-00002-of-00002.safetensors").contains("truncated");
        assertFalse(Files.exists(root.resolve("truncated-out")), "a failed import leaves nothing behind");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        InMemoryWeights partial = new InMemoryWeights();
        for (String n : weights.names()) {
            if (!n.equals("model.layers.1.self_attn.k_norm.weight")) {
                partial.put(n, weights.get(n, weights.shape(n)), weights.shape(n));
            }
        }
        Path ckpt = HfCheckpointWriter.write(root.resolve("missing"), config, partial, DType.F32, 1, false);
        Exception e = assertThrows(WeightException.class, () -> HfImporter.importCheckpoint(ckpt, root.resolve("missing-out"), 1L << 40));
        assertThat(e.getMessage()).contains("lacks tensor model.layers.1.self_attn.k_norm.weight");
    }

    @Test
    void configThatDisagreesWithTheWeightsIsRefused() throws IOException {
        Path ckpt = HfCheckpointWriter.write(root.resolve("mismatch"), config, weights, DType.F32, 1, false);
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(ckpt.resolve("config.json").toFile());
        json.put("intermediate_size", 64);
        new ObjectMapper().writeValue(ckpt.resolve("config.json").toFile(), json);
        Exception e = assertThrows(WeightException.class, () -> HfImporter.importCheckpoint(ckpt, root.resolve("mismatch-out"), 1L << 40));
        assertThat(e.getMessage()).contains("has shape").contains("config implies");
    }

    @Test
    void unsupportedConfigIsRefused() throws IOException {
        Path ckpt = HfCheckpointWriter.write(root.resolve("tied"), config, weights, DType.F32, 1, false);
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(ckpt.resolve("config.json").toFile());
        json.put("tie_word_embeddings", true).put("norm_topk_prob", true);
        new ObjectMapper().writeValue(ckpt.resolve("config.json").toFile(), json);
        Exception e = assertThrows(ConfigException.class, () -> HfImporter.importCheckpoint(ckpt, root.resolve("tied-out"), 1L << 40));
        assertThat(e.getMessage()).contains("tie_word_embeddings").contains("norm_topk_prob");
    }

    @Test
    void indexPointingOutsideTheCheckpointIsRefused() throws IOException {
        Path ckpt = HfCheckpointWriter.write(root.resolve("escape"), config, weights, DType.F32, 2, false);
        Path index = ckpt.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("\"model-00001-of-00002.safetensors\"", "\"../bf16/model-00001-of-00003.safetensors\""));
        Exception e = assertThrows(WeightException.class, () -> HfImporter.importCheckpoint(ckpt, root.resolve("escape-out"), 1L << 40));
        assertThat(e.getMessage()).contains("outside the checkpoint");
    }

    @Test
    void existingOutputIsNotOverwritten() throws IOException {
        Path ckpt = HfCheckpointWriter.write(root.resolve("exists"), config, weights, DType.F32, 1, false);
        Path out = Files.createDirectories(root.resolve("exists-out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Exception e = assertThrows(PackageException.class, () -> HfImporter.importCheckpoint(ckpt, out, 1L << 40));
        assertThat(e.getMessage()).contains("already exists");
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void checkpointTokenizerTravelsWithTheTrunk() throws IOException {
        FlexOlmoConfig withText = new FlexOlmoConfig(300, 32, 48, 2, 4, 2, 8, 2, 1, 1e-6, 10000.0, 256, ByteLevelBpeFixture.END_OF_TEXT);
        Path ckpt = HfCheckpointWriter.write(root.resolve("with-tokenizer"), withText, RandomWeights.generate(withText, 8), DType.F32, 1, false);
        ByteLevelBpeFixture.write(ckpt);
        HfImporter.Result r = HfImporter.importCheckpoint(ckpt, root.resolve("with-tokenizer-out"), 1L << 40);
        ModelSet set = ModelSet.load(r.out());
        try (Tokenizer tokenizer = set.trunk().openTokenizer(); Engine engine = Engine.inProcess(set, 0, 1)) {
            assertArrayEquals(new int[]{ByteLevelBpeFixture.HELLO, ByteLevelBpeFixture.SPACE_WORLD}, tokenizer.encode("hello world"));
            GenerationResult g = new Generator(engine, tokenizer).generate(
                    new GenerationRequest(tokenizer.encode("hello world"), SamplingParams.greedy(5), null));
            assertTrue(Arrays.stream(g.tokens()).allMatch(t -> t < ByteLevelBpeFixture.VOCABULARY_SIZE), "only ids the tokenizer knows");
            assertEquals(tokenizer.decode(g.tokens()), g.text());
        }
    }

    @Test
    void tokenizerLargerThanTheVocabularyIsRefused() throws IOException {
        Path ckpt = HfCheckpointWriter.write(root.resolve("small-vocab"), config, weights, DType.F32, 1, false);
        ByteLevelBpeFixture.write(ckpt);
        HfImporter.Result r = HfImporter.importCheckpoint(ckpt, root.resolve("small-vocab-out"), 1L << 40);
        Exception e = assertThrows(PackageException.class, () -> ModelSet.load(r.out()).trunk().openTokenizer());
        assertThat(e.getMessage()).contains("the tokenizer has " + ByteLevelBpeFixture.VOCABULARY_SIZE + " tokens, more than the model's vocab_size 61");
    }

    private static void assertMatchesReference(Path packages, InMemoryWeights asStored) {
        double[][] expected = new ReferenceFlexOlmo(config, asStored, null, FLEXOLMO).logits(PROMPT, TestModels.all(3), 2);
        try (Engine engine = Engine.inProcess(ModelSet.load(packages), 0, 1)) {
            Sequence seq = engine.newSequence(null, PROMPT.length);
            float[] all = engine.forward(List.of(seq), List.of(PROMPT), true)[0];
            int v = config.vocabSize();
            for (int p = 0; p < PROMPT.length; p++) {
                Closeness.assertClose(Arrays.copyOfRange(all, p * v, (p + 1) * v), expected[p], 1e-4, "position " + p);
            }
        }
    }
}
