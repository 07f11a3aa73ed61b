package dev.flexserve.model.sampling;

/**
 * Hands out token ids from the highest logit down (ties to the lowest id) without sorting the vocabulary:
 * a binary max-heap is built in O(V) and each {@link #next()} costs O(log V), so top-k and top-p pay only
 * for the tokens they look at. Each heap entry packs the logit's order-preserving bits and the id into one
 * {@code long}, so the heap is a single primitive array, reused from call to call.
 */
final class TokenRanking {

    private long[] heap = new long[0];
    private int size;

    /** Starts a new ranking of {@code logits}, which must be finite. */
    void rank(float[] logits) {
        if (heap.length < logits.length) {
            heap = new long[logits.length];
        }
        size = logits.length;
        for (int id = 0; id < size; id++) {
            heap[id] = key(logits[id], id);
        }
        for (int parent = size / 2 - 1; parent >= 0; parent--) {
            siftDown(parent);
        }
    }

    /** The id with the highest logit not handed out yet; call at most once per logit. */
    int next() {
        long top = heap[0];
        heap[0] = heap[--size];
        siftDown(0);
        return idOf(top);
    }

    private void siftDown(int index) {
        long entry = heap[index];
        int child;
        while ((child = 2 * index + 1) < size) {
            if (child + 1 < size && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= entry) {
                break;
            }
            heap[index] = heap[child];
            index = child;
        }
        heap[index] = entry;
    }

    /**
     * High half: the float bits turned into an int that orders like the float ({@code + 0.0f} first folds
     * -0.0 into 0.0, which compare equal). Low half: the complemented id, so lower ids rank higher.
     */
    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit + 0.0f);
        int ordered = bits ^ ((bits >> 31) & Integer.MAX_VALUE);
        return ((long) ordered << 32) | (~id & 0xFFFF_FFFFL);
    }

    private static int idOf(long key) {
        return ~(int) key;
    }
}
