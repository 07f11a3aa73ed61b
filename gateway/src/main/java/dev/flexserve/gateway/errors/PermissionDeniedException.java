package dev.flexserve.gateway.errors;

/** A call the caller's organization may not make, whatever its role (e.g. reading another organization's usage). */
public class PermissionDeniedException extends RuntimeException {
    public PermissionDeniedException(String message) {
        super(message);
    }
}
