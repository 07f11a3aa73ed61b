package dev.flexserve.attribution.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Why a response ended; written in lower case on the wire ({@code "stop"}, {@code "length"}, ...). */
public enum FinishReason {
    /** An end-of-text token or a stop sequence. */
    STOP,
    /** {@code max_tokens} or the model's context was reached. */
    LENGTH,
    /** The router ended the response with an error (for example, no allowed expert was left). */
    ERROR,
    /** The client went away or cancelled the request. */
    CANCELLED,
    /** The platform ended the response after tokens were generated (shutdown, a failed engine step). */
    ABORTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FinishReason ofWire(String value) {
        for (FinishReason r : values()) {
            if (r.wire().equals(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown finish_reason '" + value + "' (one of "
                + Arrays.stream(values()).map(FinishReason::wire).collect(Collectors.joining(", ")) + ")");
    }
}
