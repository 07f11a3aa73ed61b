package dev.flexserve.operator.router;

/** The router did not confirm an admin call; the reconcile that needed it fails and is retried. */
public class RouterCallFailedException extends RuntimeException {
    public RouterCallFailedException(String message) {
        super(message);
    }

    public RouterCallFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
