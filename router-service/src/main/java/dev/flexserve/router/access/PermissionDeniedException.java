package dev.flexserve.router.access;

/** An operation the caller's roles do not allow (e.g. registering an expert without being the platform or an operator). */
public class PermissionDeniedException extends RuntimeException {
    public PermissionDeniedException(String message) {
        super(message);
    }
}
