package dev.flexserve.ownerkit.training;

import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.OwnerKitException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Token streams to sample training windows from: each source is its documents' tokens under the trunk's tokenizer,
 * each document followed by the end-of-text token. A batch draws each row's source by weight, then a random window
 * of {@code length + 1} tokens; the random stream depends only on (seed, step), so a resumed run sees the same batches.
 */
public final class TrainingData {
    public record Source(String name, int[] tokens, double weight) {
    }

    private final Tokenizer tokenizer;
    private final int endOfText;
    private final List<Source> sources = new ArrayList<>();

    /** {@code tokenizer} must have an end-of-text id (it separates documents and pads short sources). */
    public TrainingData(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.endOfText = tokenizer.eosTokenId().orElseThrow(() -> new OwnerKitException("the tokenizer has no end-of-text id"));
    }

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

    /** The documents' tokens, each document followed by the end-of-text token. */
    public int[] tokens(List<String> documents) {
        int n = 0;
        List<int[]> encoded = new ArrayList<>(documents.size());
        for (String d : documents) {
            int[] e = tokenizer.encode(d);
            encoded.add(e);
            n += e.length + 1;
        }
        int[] t = new int[n];
        int i = 0;
        for (int[] e : encoded) {
            System.arraycopy(e, 0, t, i, e.length);
            i += e.length;
            t[i++] = endOfText;
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
                out[r * (length + 1) + j] = endOfText;
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
