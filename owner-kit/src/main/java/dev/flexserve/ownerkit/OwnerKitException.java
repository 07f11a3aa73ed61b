package dev.flexserve.ownerkit;

/**
 * A failure the user can act on, reported as one line (bad input, wrong trunk, missing tool). An
 * {@link IllegalStateException}, so the flexserve CLI reports its message as it is.
 */
public class OwnerKitException extends IllegalStateException {
    public OwnerKitException(String message) {
        super(message);
    }

    public OwnerKitException(String message, Throwable cause) {
        super(message, cause);
    }
}
