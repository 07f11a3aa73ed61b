package dev.flexserve.model.packages;

/** A package that FlexServe refuses: the message names the package and the problem (file, hash, dims, operator). */
public class PackageException extends IllegalArgumentException {
    public PackageException(String message) {
        super(message);
    }

    public PackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
