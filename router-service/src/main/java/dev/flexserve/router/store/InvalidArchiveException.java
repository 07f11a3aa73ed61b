package dev.flexserve.router.store;

/** An upload that is not a well-formed package archive: truncated, corrupt, or with paths that leave the package. */
public class InvalidArchiveException extends RuntimeException {
    public InvalidArchiveException(String message) {
        super(message);
    }
}
