package dev.flexserve.model.sampling;

import java.util.List;

/**
 * Cuts streamed text at the first stop sequence. Text that ends in the beginning of a stop sequence is held
 * back until the next piece shows whether the stop completes, so a streaming client never sees part of a
 * stop sequence and the stop itself never appears in the output. Not thread-safe: one per sequence.
 */
public final class StopMatcher {

    /**
     * @param text    what may be sent to the client now, possibly empty
     * @param stopped whether a stop sequence was reached; generation should end
     */
    public record Result(String text, boolean stopped) {
    }

    private static final Result STOPPED = new Result("", true);

    private final List<String> stops;
    /** Text not emitted yet: always empty or the beginning of some stop sequence. */
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    /** @param stops non-empty stop sequences, as validated by {@link SamplingParams} */
    public StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds newly generated text; after a stop, everything is dropped. */
    public Result push(String newText) {
        if (stopped) {
            return STOPPED;
        }
        held.append(newText);
        int stopAt = firstStop();
        if (stopAt >= 0) {
            stopped = true;
            String text = held.substring(0, stopAt);
            held.setLength(0);
            return new Result(text, true);
        }
        int emit = held.length() - longestStopPrefixAtEnd();
        String text = held.substring(0, emit);
        held.delete(0, emit);
        return new Result(text, false);
    }

    /** Releases the held-back text when generation ends without a stop (length limit, end of text). */
    public String flush() {
        String text = held.toString();
        held.setLength(0);
        return text;
    }

    /**
     * Where the earliest stop sequence begins, or -1. Only the held text needs searching: anything that could
     * have begun a stop in earlier text was held back.
     */
    private int firstStop() {
        int first = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** The length of the longest end of the held text that is a proper beginning of a stop sequence. */
    private int longestStopPrefixAtEnd() {
        int longest = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, held.length()); length > longest; length--) {
                if (heldEndsWithBeginningOf(stop, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    private boolean heldEndsWithBeginningOf(String stop, int length) {
        int start = held.length() - length;
        for (int i = 0; i < length; i++) {
            if (held.charAt(start + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
