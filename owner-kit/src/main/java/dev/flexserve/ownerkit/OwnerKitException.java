package dev.flexserve.ownerkit;

/** A failure the user can act on, reported as one line (bad input, wrong trunk, missing tool). */
public class OwnerKitException extends RuntimeException {
    public OwnerKitException(String message) {
        super(message);
    }

    public OwnerKitException(String message, Throwable cause) {
        super(message, cause);
    }
}
