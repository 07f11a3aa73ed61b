package dev.flexserve.model.engine;

import dev.flexserve.model.config.FlexOlmoConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The padded past keys and values an attention graph reads, {@code [batch, kv_heads, stride, head_dim]} per layer,
 * kept in direct memory that ONNX Runtime reads in place, and kept from one call to the next: when a call brings the
 * same sequences as the last one (a decode step of a running batch), only the positions appended since are copied
 * from each sequence's {@link KvCache}, so the Java side of a step costs the new positions, not the whole context.
 * Any other batch is staged in full. Slots past a sequence's length hold zeros or stale (finite) keys, which the
 * graph masks out by {@code past_length}. A full staging leaves room for a quarter more positions than the longest past,
 * so the graph reads at most a quarter more padding than the longest sequence needs, and a batch outgrows it (and is
 * staged in full again) only every quarter of its length.
 *
 * <p>One staging area belongs to one thread ({@link Engine} keeps one per thread and kind of call): the engine runs
 * disjoint micro-batches on several threads at once.
 */
final class KvStaging {
    private static final int MIN_STRIDE = 64;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private Sequence[] staged = new Sequence[0];
    private int[][] stagedLengths = new int[0][];
    private int stride;
    private FloatBuffer[] keys;
    private FloatBuffer[] values;

    KvStaging(FlexOlmoConfig c) {
        this.layers = c.numHiddenLayers();
        this.kvHeads = c.numKeyValueHeads();
        this.headDim = c.headDim();
    }

    /** Positions per sequence in the staged tensors (at least the longest past of the batch). */
    int stride() {
        return stride;
    }

    /**
     * Makes layer {@code layer}'s staged tensors hold exactly the pasts of {@code batch}, copying only what changed
     * since the last call with the same sequences.
     */
    void stage(int layer, List<Sequence> batch) {
        int longest = 0;
        for (Sequence s : batch) {
            longest = Math.max(longest, s.length());
        }
        if (!sameSequences(batch) || longest > stride) {
            restage(batch, longest);
        }
        int[] lengths = stagedLengths[layer];
        for (int i = 0; i < batch.size(); i++) {
            KvCache cache = batch.get(i).cache();
            cache.copyPast(layer, keys[layer], values[layer], i, stride, lengths[i]);
            lengths[i] = cache.length();
        }
    }

    /** The staged keys of {@code layer} as {@code [batch, kv_heads, stride, head_dim]}, for a tensor over them. */
    FloatBuffer keys(int layer, int batch) {
        return keys[layer].duplicate().position(0).limit(batch * kvHeads * stride * headDim);
    }

    FloatBuffer values(int layer, int batch) {
        return values[layer].duplicate().position(0).limit(batch * kvHeads * stride * headDim);
    }

    private boolean sameSequences(List<Sequence> batch) {
        if (batch.size() != staged.length) {
            return false;
        }
        for (int i = 0; i < staged.length; i++) {
            // A cache only grows; a sequence whose cache is shorter than what was staged is not the same past.
            if (staged[i] != batch.get(i) || batch.get(i).length() < stagedLengths[0][i]) {
                return false;
            }
        }
        return true;
    }

    /** Stages {@code batch} in full, with room for a quarter more positions than its longest past. */
    private void restage(List<Sequence> batch, int longest) {
        stride = Math.max(MIN_STRIDE, longest + longest / 4);
        int floats = batch.size() * kvHeads * stride * headDim;
        if (keys == null || keys[0].capacity() < floats) {
            keys = new FloatBuffer[layers];
            values = new FloatBuffer[layers];
            for (int l = 0; l < layers; l++) {
                keys[l] = direct(floats);
                values[l] = direct(floats);
            }
        }
        staged = batch.toArray(new Sequence[0]);
        stagedLengths = new int[layers][batch.size()];
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
