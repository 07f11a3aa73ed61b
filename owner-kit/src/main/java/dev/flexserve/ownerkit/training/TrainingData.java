package dev.flexserve.ownerkit.training;

import dev.flexserve.model.tokenizer.ByteTokenizer;
import dev.flexserve.ownerkit.OwnerKitException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Byte-level token streams to sample training windows from: each source is its documents' UTF-8 bytes, each
 * document followed by the end-of-text token (256). A batch draws each row's source by weight, then a random window
 * of {@code length + 1} tokens; the random stream depends only on (seed, step), so a resumed run sees the same batches.
 */
public final class TrainingData {
    public record Source(String name, int[] tokens, double weight) {
    }

    private final List<Source> sources = new ArrayList<>();

    public TrainingData add(String name, List<String> documents, double weight) {
        if (weight <= 0) {
            return this;
        }
        int[] tokens = tokens(documents);
        if (tokens.length < 2) {
            throw new OwnerKitException(name + ": no text to train on");
        }
        sources.add(new Source(name, tokens, weight));
        return this;
    }

    public List<Source> sources() {
        return sources;
    }

    public static int[] tokens(List<String> documents) {
        int n = 0;
        List<byte[]> bytes = new ArrayList<>(documents.size());
        for (String d : documents) {
            byte[] b = d.getBytes(StandardCharsets.UTF_8);
            bytes.add(b);
            n += b.length + 1;
        }
        int[] t = new int[n];
        int i = 0;
        for (byte[] b : bytes) {
            for (byte x : b) {
                t[i++] = x & 0xff;
            }
            t[i++] = ByteTokenizer.END_OF_TEXT;
        }
        return t;
    }

    /** {@code batch} windows of {@code length + 1} tokens for step {@code step}, row-major. */
    public long[] batch(long seed, long step, int batch, int length) {
        if (sources.isEmpty()) {
            throw new IllegalStateException("no training sources");
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        double total = sources.stream().mapToDouble(Source::weight).sum();
        long[] out = new long[batch * (length + 1)];
        for (int r = 0; r < batch; r++) {
            double u = rnd.nextDouble() * total;
            Source s = sources.get(sources.size() - 1);
            for (Source candidate : sources) {
                if (u < candidate.weight()) {
                    s = candidate;
                    break;
                }
                u -= candidate.weight();
            }
            int[] t = s.tokens();
            for (int j = 0; j <= length; j++) {
                out[r * (length + 1) + j] = ByteTokenizer.END_OF_TEXT;
            }
            if (t.length <= length + 1) {
                for (int j = 0; j < t.length; j++) {
                    out[r * (length + 1) + j] = t[j];
                }
            } else {
                int start = rnd.nextInt(t.length - length);
                for (int j = 0; j <= length; j++) {
                    out[r * (length + 1) + j] = t[start + j];
                }
            }
        }
        return out;
    }
}
