package dev.flexserve.model.tokenizer;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Text stream for tokenizers whose decoders work on whole id sequences (Hugging Face tokenizers): a token's
 * text can depend on its neighbours (a leading space dropped at the start, WordPiece {@code ##} joins,
 * byte-level tokens that are only part of a character), so single ids cannot be decoded on their own.
 *
 * <p>Each push decodes a window that starts one emitted token before the new ones, and emits the part
 * of its text beyond the text of the already emitted tokens in the window. While the decoded text ends in
 * U+FFFD the newest bytes do not form a whole character yet, so nothing is emitted and the window grows
 * until they do. This is the scheme of Hugging Face's text-generation-inference; decoding a short window
 * instead of the whole sequence keeps the cost per token constant rather than linear in its length.
 */
final class WindowedTextStream implements TextStream {

    private static final char REPLACEMENT_CHARACTER = '\uFFFD';

    private final Function<long[], String> decoder;
    private long[] ids = new long[64];
    private int size;
    /** Start of the window: the last token already emitted before {@link #unemittedStart}, for context. */
    private int windowStart;
    /** The first id whose text has not been emitted yet. */
    private int unemittedStart;

    /** @param decoder decodes ids to text, skipping special tokens */
    WindowedTextStream(Function<long[], String> decoder) {
        this.decoder = decoder;
    }

    @Override
    public String push(int tokenId) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = tokenId;
        String newText = unemittedText();
        if (newText.isEmpty() || newText.charAt(newText.length() - 1) == REPLACEMENT_CHARACTER) {
            return "";
        }
        markEmitted();
        return newText;
    }

    @Override
    public String flush() {
        String rest = unemittedText();
        markEmitted();
        return rest;
    }

    private String unemittedText() {
        String emitted = decoder.apply(Arrays.copyOfRange(ids, windowStart, unemittedStart));
        String all = decoder.apply(Arrays.copyOfRange(ids, windowStart, size));
        return all.length() > emitted.length() ? all.substring(emitted.length()) : "";
    }

    private void markEmitted() {
        windowStart = unemittedStart;
        unemittedStart = size;
    }
}
