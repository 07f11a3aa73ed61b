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
        AtomicDirectory.write(dir, tmp -> {
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    Path to = tmp.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            return tmp;
        });
        return new StoredPackage(hash, dir);
    }

    @Override
    public void close() throws IOException {
        AtomicDirectory.deleteTree(dir);
    }
}
