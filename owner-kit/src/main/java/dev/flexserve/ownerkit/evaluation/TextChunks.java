package dev.flexserve.ownerkit.evaluation;

import dev.flexserve.model.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Held-out text cut for scoring: each document in pieces of at most {@code chunk} UTF-8 bytes (never inside a
 * character), in document order, until {@code maxBytes} bytes are taken. A piece is tokenized on its own and scored
 * after the end-of-text token (the model sees {@code [eos, t0 .. t(n-2)]} and predicts {@code t0 .. t(n-1)}), so every
 * token is predicted and none is context only. Bits per byte divide by the pieces' bytes, whatever the tokenizer.
 */
public record TextChunks(List<String> texts, long bytes) {
    /** Bytes per piece unless told otherwise: at most as many tokens as the demo models' training window (256). */
    public static final int DEFAULT_CHUNK = 256;

    public static TextChunks of(List<String> documents, int chunk, long maxBytes) {
        List<String> texts = new ArrayList<>();
        long taken = 0;
        for (String d : documents) {
            byte[] b = d.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < b.length && taken < maxBytes; ) {
                int end = (int) Math.min(Math.min(b.length, i + chunk), i + (maxBytes - taken));
                while (end < b.length && end > i + 1 && (b[end] & 0xC0) == 0x80) {
                    end--;
                }
                texts.add(new String(b, i, end - i, StandardCharsets.UTF_8));
                taken += end - i;
                i = end;
            }
            if (taken >= maxBytes) {
                break;
            }
        }
        return new TextChunks(texts, taken);
    }

    /** The pieces' tokens under {@code tokenizer}, one array per piece (empty pieces are impossible: chunk >= 1). */
    public List<int[]> tokens(Tokenizer tokenizer) {
        return texts.stream().map(tokenizer::encode).toList();
    }

    /** The model input that predicts {@code tokens}: end-of-text, then all but the last token. */
    static int[] input(int[] tokens, int endOfText) {
        int[] t = new int[tokens.length];
        t[0] = endOfText;
        System.arraycopy(tokens, 0, t, 1, tokens.length - 1);
        return t;
    }
}
