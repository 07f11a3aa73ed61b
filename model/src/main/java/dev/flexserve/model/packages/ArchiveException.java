package dev.flexserve.model.packages;

/**
 * A package archive that cannot be unpacked: truncated or corrupt, with paths that leave the package or entries twice,
 * or past the limits of the one unpacking it ({@link #tooLarge()}).
 */
public class ArchiveException extends PackageException {
    private final boolean tooLarge;

    public ArchiveException(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
