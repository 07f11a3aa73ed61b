package dev.flexserve.ownerkit.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary the way GPT-2's and OLMo's were made, and writes it as a Hugging Face
 * {@code tokenizer.json} that the model library's {@code HuggingFaceTokenizer} reads: ids 0..255 are the bytes (in
 * GPT-2's byte-to-unicode spelling), ids 256.. the merges in the order they were learnt, and the last id
 * {@code <|endoftext|>}. Words are split with GPT-2's pre-tokenizer pattern (the {@code ByteLevel} pre-tokenizer with
 * {@code use_regex}); a merge never crosses a word. Each step merges the most frequent adjacent pair, ties broken by
 * the smaller pair of ids, so the same documents always give the same file.
 */
public final class BpeTrainer {
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** GPT-2's pre-tokenizer (Unicode classes, as the Rust library's regex engine reads {@code \s}). */
    static final Pattern WORDS = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private BpeTrainer() {
    }

    /** The learnt merges as pairs of ids; id 256 + i is merge i. */
    public record Vocabulary(List<int[]> merges) {
        public int size() {
            return 256 + merges.size() + 1;
        }

        public int endOfText() {
            return 256 + merges.size();
        }
    }

    /** Learns {@code vocabularySize - 257} merges from {@code documents}. */
    public static Vocabulary train(List<String> documents, int vocabularySize) {
        if (vocabularySize < 258) {
            throw new IllegalArgumentException("--vocab must be at least 258 (256 bytes, one merge, end-of-text)");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String d : documents) {
            Matcher m = WORDS.matcher(d);
            while (m.find()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        // Words in a fixed order (their text) so pair counts and tie-breaks never depend on hash order.
        List<String> keys = new ArrayList<>(counts.keySet());
        keys.sort(null);
        int[][] words = new int[keys.size()][];
        int[] freq = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            byte[] b = keys.get(i).getBytes(StandardCharsets.UTF_8);
            words[i] = new int[b.length];
            for (int j = 0; j < b.length; j++) {
                words[i][j] = b[j] & 0xff;
            }
            freq[i] = counts.get(keys.get(i));
        }
        Map<Long, Long> pairs = new HashMap<>();
        for (int i = 0; i < words.length; i++) {
            addPairs(pairs, words[i], freq[i]);
        }
        List<int[]> merges = new ArrayList<>();
        int target = vocabularySize - 257;
        while (merges.size() < target) {
            long best = -1;
            long bestCount = 1;
            for (Map.Entry<Long, Long> e : pairs.entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && best >= 0 && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best < 0) {
                break;
            }
            int a = (int) (best >>> 32);
            int b = (int) best;
            int id = 256 + merges.size();
            merges.add(new int[]{a, b});
            for (int i = 0; i < words.length; i++) {
                int[] w = words[i];
                if (!contains(w, a, b)) {
                    continue;
                }
                addPairs(pairs, w, -freq[i]);
                words[i] = merge(w, a, b, id);
                addPairs(pairs, words[i], freq[i]);
            }
            pairs.values().removeIf(c -> c <= 0);
        }
        return new Vocabulary(merges);
    }

    private static void addPairs(Map<Long, Long> pairs, int[] w, long f) {
        for (int j = 0; j + 1 < w.length; j++) {
            pairs.merge(key(w[j], w[j + 1]), f, Long::sum);
        }
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static boolean contains(int[] w, int a, int b) {
        for (int j = 0; j + 1 < w.length; j++) {
            if (w[j] == a && w[j + 1] == b) {
                return true;
            }
        }
        return false;
    }

    private static int[] merge(int[] w, int a, int b, int id) {
        int[] out = new int[w.length];
        int n = 0;
        for (int j = 0; j < w.length; j++) {
            if (j + 1 < w.length && w[j] == a && w[j + 1] == b) {
                out[n++] = id;
                j++;
            } else {
                out[n++] = w[j];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Writes {@code vocabulary} as a Hugging Face byte-level BPE {@code tokenizer.json}. */
    public static void write(Vocabulary vocabulary, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> spelling = new ArrayList<>();
        ObjectNode vocab = json.createObjectNode();
        for (int b = 0; b < 256; b++) {
            spelling.add(String.valueOf(byteToUnicode(b)));
            vocab.put(spelling.get(b), b);
        }
        ArrayNode merges = json.createArrayNode();
        for (int[] m : vocabulary.merges()) {
            String left = spelling.get(m[0]);
            String right = spelling.get(m[1]);
            merges.add(left + " " + right);
            spelling.add(left + right);
            vocab.put(left + right, spelling.size() - 1);
        }
        ObjectNode byteLevel = json.createObjectNode()
                .put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        ObjectNode root = json.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens").addObject()
                .put("id", vocabulary.endOfText()).put("content", END_OF_TEXT).put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel);
        root.putNull("post_processor");
        root.set("decoder", byteLevel);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        model.set("vocab", vocab);
        model.set("merges", merges);
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** The id of {@link #END_OF_TEXT} in a {@code tokenizer.json} (its added tokens). */
    public static int endOfText(Path tokenizerJson) throws IOException {
        for (var t : new ObjectMapper().readTree(tokenizerJson.toFile()).path("added_tokens")) {
            if (END_OF_TEXT.equals(t.path("content").asText())) {
                return t.path("id").asInt();
            }
        }
        throw new IllegalArgumentException(tokenizerJson + ": has no " + END_OF_TEXT + " token");
    }

    /** GPT-2's {@code bytes_to_unicode}: printable bytes stand for themselves, the others map to 256 and above. */
    static char byteToUnicode(int b) {
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
}
