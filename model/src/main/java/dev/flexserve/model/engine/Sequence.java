package dev.flexserve.model.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One sequence's state in the engine: its cache, the expert slots allowed for it, its position, and how much
 * each expert took part. A sequence belongs to one thread at a time (the scheduler's).
 */
public final class Sequence {
    private final KvCache cache;
    private final int promptLength;
    private final ExpertUsage usage;
    private final List<ExpertDrop> drops = new ArrayList<>();
    private int[] allowed;
    private String failure;

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
     * Removes a slot from this sequence's allowed set from now on (revocation, deactivation, a policy that no
     * longer grants it). A sequence left without any expert fails.
     *
     * @return false when the slot was not allowed
     */
    public boolean disallow(int slot) {
        int i = Arrays.binarySearch(allowed, slot);
        if (i < 0) {
            return false;
        }
        int[] next = new int[allowed.length - 1];
        System.arraycopy(allowed, 0, next, 0, i);
        System.arraycopy(allowed, i + 1, next, i, allowed.length - i - 1);
        allowed = next;
        if (allowed.length == 0 && failure == null) {
            failure = "no allowed expert is left";
        }
        return true;
    }

    /** Removes an expert that failed a call, and records why. */
    void drop(int slot, String expert, int layer, String reason) {
        if (disallow(slot)) {
            drops.add(new ExpertDrop(expert, layer, reason));
            if (allowed.length == 0) {
                failure = "no allowed expert is left after " + expert + " failed: " + reason;
            }
        }
    }

    /** Experts dropped because they failed, in order. */
    public List<ExpertDrop> drops() {
        return List.copyOf(drops);
    }

    /** True when the sequence cannot continue (no allowed expert left); its last logits are meaningless. */
    public boolean failed() {
        return failure != null;
    }

    public String failure() {
        return failure;
    }

    public ExpertUsage usage() {
        return usage;
    }

    public KvCache cache() {
        return cache;
    }
}
