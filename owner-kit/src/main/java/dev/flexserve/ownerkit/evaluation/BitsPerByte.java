package dev.flexserve.ownerkit.evaluation;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Bits per byte of held-out text under the served model (the model library's {@link Engine}, exactly what the
 * platform runs): the sum of -log2 p(token) over every token of the pieces, divided by their UTF-8 bytes, with the
 * given allowed experts.
 */
public final class BitsPerByte {
    private static final int BATCH = 16;
    private static final double LN2 = Math.log(2);

    private BitsPerByte() {
    }

    /** Natural-log probabilities of every token, one array per piece ({@code pieces}: the pieces' tokens). */
    public static List<double[]> logProbs(Engine engine, Collection<String> allowed, List<int[]> pieces) {
        List<double[]> out = new ArrayList<>();
        int vocab = engine.config().vocabSize();
        int eos = engine.config().eosTokenId();
        for (int start = 0; start < pieces.size(); start += BATCH) {
            List<int[]> group = pieces.subList(start, Math.min(pieces.size(), start + BATCH));
            List<Sequence> seqs = new ArrayList<>();
            List<int[]> inputs = new ArrayList<>();
            for (int[] p : group) {
                int[] in = TextChunks.input(p, eos);
                inputs.add(in);
                seqs.add(engine.newSequence(allowed, in.length));
            }
            float[][] logits = engine.forward(seqs, inputs, true);
            for (int i = 0; i < group.size(); i++) {
                int[] p = group.get(i);
                double[] lp = new double[p.length];
                for (int pos = 0; pos < p.length; pos++) {
                    int base = pos * vocab;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < vocab; j++) {
                        max = Math.max(max, logits[i][base + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < vocab; j++) {
                        sum += Math.exp(logits[i][base + j] - max);
                    }
                    lp[pos] = logits[i][base + p[pos]] - max - Math.log(sum);
                }
                out.add(lp);
            }
        }
        return out;
    }

    /** Bits per byte of log probabilities over {@code bytes} bytes of text. */
    public static double of(List<double[]> logProbs, long bytes) {
        double nats = 0;
        for (double[] lp : logProbs) {
            for (double x : lp) {
                nats -= x;
            }
        }
        return nats / bytes / LN2;
    }

    public static double of(Engine engine, Collection<String> allowed, List<int[]> pieces, long bytes) {
        return of(logProbs(engine, allowed, pieces), bytes);
    }
}
