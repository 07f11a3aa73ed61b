package dev.flexserve.attribution.event;

/** The field checks the event's records share; messages name fields as the wire format spells them. */
final class Require {
    private Require() {
    }

    static void text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
    }

    /** Null is allowed (the field is present on the wire as {@code null}); an empty string is not. */
    static void textOrNull(String field, String value) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string or null");
        }
    }

    static void nonNegative(String field, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative, got " + value);
        }
    }
}
