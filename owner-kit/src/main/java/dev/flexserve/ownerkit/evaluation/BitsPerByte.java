package dev.flexserve.ownerkit.evaluation;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Bits per byte of held-out text under the served model (the model library's {@link Engine}, exactly what the
 * platform runs): the mean of -log2 p(byte) over every byte of the chunks, with the given allowed experts.
 */
public final class BitsPerByte {
    private static final int BATCH = 16;
    private static final double LN2 = Math.log(2);

    private BitsPerByte() {
    }

    /** Natural-log probabilities of every byte, one array per chunk. */
    public static List<double[]> logProbs(Engine engine, Collection<String> allowed, TextChunks chunks) {
        List<double[]> out = new ArrayList<>();
        List<byte[]> pieces = chunks.pieces();
        int vocab = engine.config().vocabSize();
        for (int start = 0; start < pieces.size(); start += BATCH) {
            List<byte[]> group = pieces.subList(start, Math.min(pieces.size(), start + BATCH));
            List<Sequence> seqs = new ArrayList<>();
            List<int[]> inputs = new ArrayList<>();
            for (byte[] p : group) {
                int[] in = TextChunks.input(p);
                inputs.add(in);
                seqs.add(engine.newSequence(allowed, in.length));
            }
            float[][] logits = engine.forward(seqs, inputs, true);
            for (int i = 0; i < group.size(); i++) {
                byte[] p = group.get(i);
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
                    lp[pos] = logits[i][base + (p[pos] & 0xff)] - max - Math.log(sum);
                }
                out.add(lp);
            }
        }
        return out;
    }

    public static double of(List<double[]> logProbs) {
        double nats = 0;
        long n = 0;
        for (double[] lp : logProbs) {
            for (double x : lp) {
                nats -= x;
                n++;
            }
        }
        return nats / n / LN2;
    }

    public static double of(Engine engine, Collection<String> allowed, TextChunks chunks) {
        return of(logProbs(engine, allowed, chunks));
    }
}
