package dev.flexserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code model import-hf} on Hugging Face style checkpoints written here from the demo's own weights (config.json
 * plus model.safetensors, without and with a tokenizer.json), checked against the demo packages built from the
 * same weights.
 */
class ImportHfTest {
    @TempDir
    static Path tmp;
    static Path imported;
    static Path demo;
    static Cli.Run importRun;

    @BeforeAll
    static void importCheckpoint() throws IOException {
        Path checkpoint = writeCheckpoint(tmp.resolve("hf-checkpoint"));
        imported = tmp.resolve("imported");
        importRun = Cli.run("model", "import-hf", checkpoint.toString(), imported.toString(), "--external-data-mb", "1").ok();
        demo = tmp.resolve("demo");
        Cli.run("model", "demo", demo.toString()).ok();
    }

    /** The demo model's weights in Hugging Face layout: config.json and one model.safetensors. */
    private static Path writeCheckpoint(Path dir) throws IOException {
        FlexOlmoConfig config = DemoModels.config();
        InMemoryWeights weights = RandomWeights.generate(config, DemoModels.SEED);
        Path checkpoint = Files.createDirectory(dir);
        Files.writeString(checkpoint.resolve("config.json"), config.toJson().toPrettyString());
        SafetensorsWriter tensors = new SafetensorsWriter();
        for (String name : new TreeSet<>(weights.names())) {
            long[] shape = weights.shape(name);
            tensors.add(name, DType.F32, weights.get(name, shape), shape);
        }
        tensors.write(checkpoint.resolve("model.safetensors"));
        return checkpoint;
    }

    @Test
    void printsOneLinePerPackageAndTheTrunkHash() {
        List<String> lines = importRun.out().lines().toList();
        assertEquals(7, lines.size(), importRun.out());
        assertEquals("wrote trunk package  " + imported.resolve("trunk"), lines.get(0));
        assertTrue(lines.get(1).startsWith("wrote expert package " + imported.resolve("public")), lines.get(1));
        for (int e = 1; e <= 4; e++) {
            assertTrue(lines.get(1 + e).startsWith("wrote expert package " + imported.resolve("expert-" + e)), lines.get(1 + e));
        }
        String hash = lines.get(6).substring("trunk hash: ".length());
        Cli.Run info = Cli.run("model", "info", imported.toString()).ok();
        assertTrue(info.out().contains(hash), info.out());
        assertTrue(info.out().contains("tokenizer: none"), info.out());
    }

    /** With the public expert alone, bias plays no part, so the import and the demo must compute the same logits. */
    @Test
    void importedPublicExpertMatchesTheDemo() {
        String[] tail = {"--tokens", "3,1,4,1,5", "--generate", "3", "--allow", "public", "--json"};
        JsonNode fromImport = Cli.run(concat(new String[]{"model", "logits", imported.toString()}, tail)).ok().json();
        JsonNode fromDemo = Cli.run(concat(new String[]{"model", "logits", demo.toString()}, tail)).ok().json();
        assertEquals(fromDemo, fromImport);
    }

    @Test
    void generateExplainsThatTheModelHasNoTokenizer() {
        Cli.run("generate", "--models", imported.toString(), "hello").fails(1, "no tokenizer", "model logits");
    }

    /**
     * With a byte-level BPE tokenizer.json whose ids are the byte values (no merges, end-of-text 256, as the demo's
     * byte tokenizer), text goes through the Hugging Face tokenizer and gives the demo's tokens.
     */
    @Test
    void importedTokenizerGeneratesLikeTheDemo() throws IOException {
        Path checkpoint = writeCheckpoint(tmp.resolve("hf-with-tokenizer"));
        writeByteLevelTokenizer(checkpoint.resolve("tokenizer.json"));
        Path out = tmp.resolve("imported-with-tokenizer");
        Cli.run("model", "import-hf", checkpoint.toString(), out.toString()).ok();
        assertTrue(Cli.run("model", "info", out.toString()).ok().out().contains("tokenizer: huggingface (tokenizer.json)"));

        String[] tail = {"--max-tokens", "6", "--allow", "public", "--json", "Hello"};
        JsonNode fromImport = Cli.run(concat(new String[]{"generate", "--models", out.toString()}, tail)).ok().json();
        JsonNode fromDemo = Cli.run(concat(new String[]{"generate", "--models", demo.toString()}, tail)).ok().json();
        assertEquals(5, fromImport.at("/usage/prompt_tokens").asInt());
        assertEquals(fromDemo.get("tokens"), fromImport.get("tokens"));
    }

    @Test
    void importRefusesAnExistingOutput() {
        Cli.run("model", "import-hf", tmp.resolve("hf-checkpoint").toString(), imported.toString())
                .fails(1, "already exists");
    }

    /** GPT-2 style byte-level BPE over the 256 bytes, no merges, and end-of-text as id 256. */
    private static void writeByteLevelTokenizer(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens").addObject().put("id", 256).put("content", "<|endoftext|>")
                .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                .put("special", true);
        root.putNull("normalizer");
        ObjectNode byteLevel = json.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.set("pre_tokenizer", byteLevel);
        root.putNull("post_processor");
        root.set("decoder", byteLevel);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(byteToUnicode(b)), b);
        }
        model.putArray("merges");
        json.writeValue(file.toFile(), root);
    }

    /** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others map above 255 in order. */
    private static char byteToUnicode(int b) {
        if (printable(b)) {
            return (char) b;
        }
        int rank = 0;
        for (int x = 0; x < b; x++) {
            rank += printable(x) ? 0 : 1;
        }
        return (char) (256 + rank);
    }

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
