package dev.flexserve.attribution.report;

/** A usage query with a missing, unknown or malformed parameter; {@code param} names it. */
public class InvalidQueryException extends RuntimeException {
    private final String param;

    public InvalidQueryException(String param, String message) {
        super(message);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
