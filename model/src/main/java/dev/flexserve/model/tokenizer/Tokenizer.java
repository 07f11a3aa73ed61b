package dev.flexserve.model.tokenizer;

import java.util.OptionalInt;

/**
 * Turns text into the token ids a model consumes and back.
 *
 * <p>Generation produces one id at a time, and one id may carry only part of a character (byte-level
 * vocabularies split multi-byte UTF-8 characters across tokens), so streaming output goes through a
 * {@link TextStream} rather than through {@link #decode(int[])} of single ids.
 *
 * <p>One tokenizer serves all sequences of a model concurrently (for the Hugging Face one, the Rust
 * library's encode and decode only read it); the streams it creates belong to one sequence each.
 * Some implementations hold native memory, hence {@link AutoCloseable}.
 */
public interface Tokenizer extends AutoCloseable {

    /** The ids of {@code text}, as given: no special tokens are added. */
    int[] encode(String text);

    /** The text of {@code ids}; special tokens (such as end-of-text) contribute nothing. */
    String decode(int[] ids);

    /** A fresh incremental decoder for one generated sequence. */
    TextStream newTextStream();

    /** The id that ends generation, when the model has one. */
    OptionalInt eosTokenId();

    /**
     * The number of ids this tokenizer knows (its largest id plus one). A model's embedding may be larger
     * (vocabularies are often padded to a multiple of 64 or 128).
     */
    int vocabularySize();

    /** False for a model package without tokenizer, whose callers must work with token ids. */
    default boolean handlesText() {
        return true;
    }

    /** Releases native resources; a no-op for tokenizers that hold none. */
    @Override
    default void close() {
    }
}
