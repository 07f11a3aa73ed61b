package dev.flexserve.expert.serving;

/**
 * Activation was refused (the package no longer verifies, changed on disk, or its sessions cannot be opened); the
 * expert stays deactivated. gRPC {@code FAILED_PRECONDITION}, HTTP 409.
 */
public final class ActivationException extends RuntimeException {
    public ActivationException(String message, Throwable cause) {
        super(message, cause);
    }
}
