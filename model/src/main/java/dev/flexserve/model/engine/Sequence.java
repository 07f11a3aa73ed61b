package dev.flexserve.model.engine;

import java.util.Arrays;

/**
 * One sequence's state in the engine: its cache, the expert slots allowed for it, its position, and how much
 * each expert took part. A sequence belongs to one thread at a time (the scheduler's).
 */
public final class Sequence {
    private final KvCache cache;
    private final int promptLength;
    private final ExpertUsage usage;
    private int[] allowed;

    Sequence(KvCache cache, int[] allowed, int promptLength, int slots) {
        this.cache = cache;
        this.allowed = allowed;
        this.promptLength = promptLength;
        this.usage = new ExpertUsage(slots);
    }

    /** Positions already computed (and cached). */
    public int length() {
        return cache.length();
    }

    public int promptLength() {
        return promptLength;
    }

    /** Allowed expert slots, ascending. */
    public int[] allowed() {
        return allowed.clone();
    }

    int[] allowedView() {
        return allowed;
    }

    /**
     * Removes a slot from this sequence's allowed set from the next step on (revocation, a failed expert).
     * The public expert can be removed too, but a sequence always keeps at least one expert.
     *
     * @return false when the slot was not allowed or is the last one left
     */
    public boolean disallow(int slot) {
        int i = Arrays.binarySearch(allowed, slot);
        if (i < 0 || allowed.length == 1) {
            return false;
        }
        int[] next = new int[allowed.length - 1];
        System.arraycopy(allowed, 0, next, 0, i);
        System.arraycopy(allowed, i + 1, next, i, allowed.length - i - 1);
        allowed = next;
        return true;
    }

    public ExpertUsage usage() {
        return usage;
    }

    public KvCache cache() {
        return cache;
    }
}
