package dev.flexserve.expert.serving;

/** A Forward call reached a deactivated expert; gRPC {@code FAILED_PRECONDITION}. */
public final class ExpertInactiveException extends RuntimeException {
    public ExpertInactiveException(String expertId) {
        super("expert " + expertId + " is deactivated");
    }
}
