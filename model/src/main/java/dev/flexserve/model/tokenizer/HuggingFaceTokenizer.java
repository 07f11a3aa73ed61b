package dev.flexserve.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A tokenizer read from a Hugging Face {@code tokenizer.json} (OLMo's, for instance), run by the Rust
 * {@code tokenizers} library through DJL. The native library ships inside the DJL jar and nothing is
 * downloaded, so it works offline.
 *
 * <p>Encoding adds no special tokens: FlexServe sends prompts to the model exactly as given, and OLMo
 * prepends no BOS token, so the {@code tokenizer.json} post-processor is bypassed rather than trusted.
 *
 * <p>Holds native memory until {@link #close()}.
 */
public final class HuggingFaceTokenizer implements Tokenizer {

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
    private final OptionalInt eosTokenId;
    private final int vocabularySize;

    /**
     * @param tokenizerJson the {@code tokenizer.json} file
     * @param eosTokenId    the end-of-text id, from the model config's {@code eos_token_id}; the file does
     *                      not say which of its special tokens ends generation
     * @throws IllegalArgumentException if {@code eosTokenId} is not in the vocabulary
     */
    public HuggingFaceTokenizer(Path tokenizerJson, OptionalInt eosTokenId) throws IOException {
        this.vocabularySize = readVocabularySize(tokenizerJson);
        if (eosTokenId.isPresent() && (eosTokenId.getAsInt() < 0 || eosTokenId.getAsInt() >= vocabularySize)) {
            throw new IllegalArgumentException("eos token id " + eosTokenId.getAsInt() + " is outside the vocabulary of "
                    + tokenizerJson + " (" + vocabularySize + " ids)");
        }
        this.eosTokenId = eosTokenId;
        this.tokenizer = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] result = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = Math.toIntExact(ids[i]);
        }
        return result;
    }

    @Override
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return decodeSkippingSpecialTokens(wide);
    }

    @Override
    public TextStream newTextStream() {
        return new WindowedTextStream(this::decodeSkippingSpecialTokens);
    }

    @Override
    public OptionalInt eosTokenId() {
        return eosTokenId;
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private String decodeSkippingSpecialTokens(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /**
     * The largest id in the model vocabulary or the added tokens, plus one. DJL does not expose the
     * vocabulary, so the file is read once more. BPE and WordLevel vocabularies map tokens to ids; Unigram
     * vocabularies are lists whose positions are the ids.
     */
    private static int readVocabularySize(Path tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        JsonNode vocabulary = root.path("model").path("vocab");
        int size = 0;
        if (vocabulary.isArray()) {
            size = vocabulary.size();
        } else {
            for (JsonNode id : vocabulary) {
                size = Math.max(size, id.asInt() + 1);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            size = Math.max(size, added.path("id").asInt() + 1);
        }
        return size;
    }
}
