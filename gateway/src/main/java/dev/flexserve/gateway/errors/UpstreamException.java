package dev.flexserve.gateway.errors;

/**
 * An answer of an internal service other than success: its status and its OpenAI error envelope, passed on to the
 * client as they are (the router's 4xx are the client's; its 5xx a platform fault). {@code status} 503 with no
 * envelope means the service could not be reached.
 */
public class UpstreamException extends RuntimeException {
    private final int status;
    private final OpenAiError envelope;

    public UpstreamException(int status, OpenAiError envelope) {
        super(envelope.error().message());
        this.status = status;
        this.envelope = envelope;
    }

    public static UpstreamException unreachable(String service, Throwable cause) {
        UpstreamException e = new UpstreamException(503, OpenAiError.of(503, "the " + service + " is unavailable: "
                + cause.getMessage(), null, "service_unavailable"));
        e.initCause(cause);
        return e;
    }

    public int status() {
        return status;
    }

    public OpenAiError envelope() {
        return envelope;
    }
}
