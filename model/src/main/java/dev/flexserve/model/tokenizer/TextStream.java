package dev.flexserve.model.tokenizer;

/**
 * Incremental decoder for one generated sequence: feed ids one at a time and get back the text they
 * complete.
 *
 * <p>Streaming clients must never see half a character or a replacement character that only exists
 * because the rest of a character's bytes have not been generated yet, so implementations hold such
 * text back until it completes (or until {@link #flush()}). Not thread-safe: one stream per sequence.
 */
public interface TextStream {

    /** Adds {@code tokenId} and returns the text that became complete, possibly empty. */
    String push(int tokenId);

    /**
     * Returns everything still held back, decoding incomplete sequences the lossy way (as U+FFFD).
     * Call when generation ends.
     */
    String flush();
}
