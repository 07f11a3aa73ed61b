package dev.flexserve.model.packages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a directory all or nothing: the content goes into a hidden sibling, which is renamed to the target only
 * when complete and removed on failure. An existing target is never overwritten.
 */
public final class AtomicDirectory {
    private AtomicDirectory() {
    }

    public interface Contents<T> {
        T write(Path tmp) throws IOException;
    }

    public static <T> T write(Path target, Contents<T> contents) throws IOException {
        if (Files.exists(target)) {
            throw new PackageException(target + " already exists; refusing to overwrite it");
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
        try {
            T result = contents.write(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Deletes {@code dir} and everything under it (nothing when it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
