package dev.flexserve.router.store;

/** No package with this content hash is stored. */
public class UnknownPackageException extends RuntimeException {
    public UnknownPackageException(String contentHash) {
        super("no package " + contentHash + " is stored");
    }
}
