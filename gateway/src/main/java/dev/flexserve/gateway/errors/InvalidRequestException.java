package dev.flexserve.gateway.errors;

/** A request the gateway refuses before anything else sees it; {@code param} names the field, {@code code} the kind. */
public class InvalidRequestException extends RuntimeException {
    private final String param;
    private final String code;

    public InvalidRequestException(String param, String code, String message) {
        super(message);
        this.param = param;
        this.code = code;
    }

    /** A parameter of the OpenAI API this platform cannot honour (e.g. {@code n} above 1, {@code tools}). */
    public static InvalidRequestException unsupported(String param, String why) {
        return new InvalidRequestException(param, "unsupported_parameter", "'" + param + "' is not supported: " + why);
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
