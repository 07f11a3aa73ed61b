package dev.flexserve.ownerkit.evaluation;

import dev.flexserve.model.tokenizer.ByteTokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Held-out text cut for scoring: each document's UTF-8 bytes in pieces of at most {@code chunk} bytes, in document
 * order, until {@code maxBytes} bytes are taken. A piece is scored after the end-of-text token (the model sees
 * {@code [256, b0 .. b(n-2)]} and predicts {@code b0 .. b(n-1)}), so every byte is predicted and none is context only.
 */
public record TextChunks(List<byte[]> pieces, List<String> texts) {

    public static TextChunks of(List<String> documents, int chunk, long maxBytes) {
        List<byte[]> pieces = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        long taken = 0;
        for (String d : documents) {
            byte[] b = d.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < b.length && taken < maxBytes; i += chunk) {
                int end = (int) Math.min(Math.min(b.length, i + chunk), i + (maxBytes - taken));
                byte[] piece = Arrays.copyOfRange(b, i, end);
                pieces.add(piece);
                texts.add(new String(piece, StandardCharsets.UTF_8));
                taken += piece.length;
            }
            if (taken >= maxBytes) {
                break;
            }
        }
        return new TextChunks(pieces, texts);
    }

    public long bytes() {
        return pieces.stream().mapToLong(p -> p.length).sum();
    }

    static int[] input(byte[] piece) {
        int[] t = new int[piece.length];
        t[0] = ByteTokenizer.END_OF_TEXT;
        for (int i = 0; i + 1 < piece.length; i++) {
            t[i + 1] = piece[i] & 0xff;
        }
        return t;
    }
}
