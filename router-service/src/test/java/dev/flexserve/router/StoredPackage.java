package dev.flexserve.router;

import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.ContentHash;
import dev.flexserve.model.packages.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A demo expert's package placed in the test profile's package store as a verified upload leaves it
 * ({@code target/package-store/<hash>}); {@link #close} takes it out again, so that tests which read the store back
 * empty are not disturbed.
 */
public record StoredPackage(String hash, Path dir) implements AutoCloseable {
    public static final Path STORE = Path.of("target/package-store");

    public static StoredPackage of(String expert) throws IOException {
        Path source = DemoModelsResource.models().resolve(expert);
        String hash = ContentHash.ofPackage(Manifest.read(source).files());
        Path dir = STORE.resolve(hash);
        AtomicDirectory.write(dir, tmp -> copyTree(source, tmp));
        return new StoredPackage(hash, dir);
    }

    /** Copies the files under {@code from} into the existing directory {@code to}; returns {@code to}. */
    public static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return to;
    }

    @Override
    public void close() throws IOException {
        AtomicDirectory.deleteTree(dir);
    }
}
