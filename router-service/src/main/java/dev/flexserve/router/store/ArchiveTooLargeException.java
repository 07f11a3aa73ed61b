package dev.flexserve.router.store;

/** An upload that unpacks to more bytes or files than the store accepts. */
public class ArchiveTooLargeException extends RuntimeException {
    public ArchiveTooLargeException(String message) {
        super(message);
    }
}
