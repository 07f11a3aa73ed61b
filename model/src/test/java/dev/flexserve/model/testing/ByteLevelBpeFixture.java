package dev.flexserve.model.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a small but real byte-level BPE {@code tokenizer.json}, built like GPT-2's and OLMo's: one token
 * per byte (ids 0..255 equal the byte values), a few merges that make "hello" and " world" single tokens,
 * and {@code <|endoftext|>} as a special token that a template post-processor would append to every
 * encoding if special tokens were added.
 */
public final class ByteLevelBpeFixture {

    public static final String[][] MERGES = {
            {"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"},
            {"Ġ", "w"}, {"o", "r"}, {"Ġw", "or"}, {"l", "d"}, {"Ġwor", "ld"}};
    public static final int HELLO = 259;
    public static final int SPACE_WORLD = 264;
    public static final int END_OF_TEXT = 256 + MERGES.length;
    public static final int VOCABULARY_SIZE = END_OF_TEXT + 1;

    private ByteLevelBpeFixture() {
    }

    public static Path write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode vocab = json.createObjectNode();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(byteToUnicode(b)), b);
        }
        ArrayNode merges = json.createArrayNode();
        for (int i = 0; i < MERGES.length; i++) {
            merges.add(MERGES[i][0] + " " + MERGES[i][1]);
            vocab.put(MERGES[i][0] + MERGES[i][1], 256 + i);
        }
        ObjectNode byteLevel = json.createObjectNode()
                .put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        ObjectNode root = json.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens").addObject()
                .put("id", END_OF_TEXT).put("content", "<|endoftext|>").put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel);
        root.set("post_processor", appendEndOfText(json));
        root.set("decoder", byteLevel);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("fuse_unk", false).put("byte_fallback", false);
        model.set("vocab", vocab);
        model.set("merges", merges);
        Path file = dir.resolve("tokenizer.json");
        json.writeValue(file.toFile(), root);
        return file;
    }

    /** GPT-2's {@code bytes_to_unicode}: printable bytes stand for themselves, the rest map above 255. */
    public static char byteToUnicode(int b) {
        if (isPrintable(b)) {
            return (char) b;
        }
        int rank = 0;
        for (int x = 0; x < b; x++) {
            rank += isPrintable(x) ? 0 : 1;
        }
        return (char) (256 + rank);
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    private static ObjectNode appendEndOfText(ObjectMapper json) {
        ObjectNode processor = json.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = processor.putArray("single");
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "<|endoftext|>").put("type_id", 0);
        ArrayNode pair = processor.putArray("pair");
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        ObjectNode special = processor.putObject("special_tokens").putObject("<|endoftext|>");
        special.put("id", "<|endoftext|>");
        special.set("ids", json.valueToTree(List.of(END_OF_TEXT)));
        special.set("tokens", json.valueToTree(List.of("<|endoftext|>")));
        return processor;
    }
}
