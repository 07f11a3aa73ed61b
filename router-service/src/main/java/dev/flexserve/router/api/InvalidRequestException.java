package dev.flexserve.router.api;

/** A request body the API cannot accept (missing or conflicting fields); {@code param} names the field. */
public class InvalidRequestException extends RuntimeException {
    private final String param;

    public InvalidRequestException(String param, String message) {
        super(message);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
