package dev.flexserve.router.store;

import dev.flexserve.model.packages.ArchiveException;
import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.PackageArchive;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Expert packages by content hash: {@code <directory>/<hash>/}. An upload (a zip archive) is streamed into a staging
 * directory — never held whole in memory, its unpacked size and file count bounded, every path checked to stay inside
 * the package — and only a verified package is moved to its place, atomically; everything else is deleted, so a
 * refused upload leaves nothing behind. The same package uploaded twice is stored once. A stored package is served as
 * an archive again to expert-services that fetch it ({@link #writeArchive}).
 */
@ApplicationScoped
public class PackageStore {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final String STAGING = ".incoming";

    private final Path root;
    private final PackageArchive.Limits limits;

    public PackageStore(StoreSettings settings) {
        this.root = settings.directory().toAbsolutePath().normalize();
        this.limits = new PackageArchive.Limits(settings.maxBytes(), settings.maxFiles());
        try {
            Files.createDirectories(root.resolve(STAGING));
            clean(root.resolve(STAGING));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the package store " + root, e);
        }
    }

    /** An unpacked upload, not yet verified: {@link #commit} or {@link #discard} it. */
    public record Staged(Path dir) {
    }

    /**
     * Unpacks a zip archive into a fresh staging directory.
     *
     * @throws InvalidArchiveException  for a truncated or corrupt archive, duplicate entries, or paths outside it
     * @throws ArchiveTooLargeException past the store's limits
     */
    public Staged receive(InputStream archive) {
        Path dir = root.resolve(STAGING).resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(dir);
            PackageArchive.extract(archive, dir, limits);
            return new Staged(dir);
        } catch (ArchiveException e) {
            delete(dir);
            if (e.tooLarge()) {
                throw new ArchiveTooLargeException(e.getMessage());
            }
            throw new InvalidArchiveException(e.getMessage());
        } catch (IOException e) {
            delete(dir);
            throw new UncheckedIOException("cannot unpack an upload into " + dir, e);
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    /** Moves a verified package to its place (or keeps the copy already stored there) and returns its directory. */
    public Path commit(Staged staged, String contentHash) {
        Path target = path(contentHash);
        try {
            if (Files.isDirectory(target)) {
                delete(staged.dir());
                return target;
            }
            Files.move(staged.dir(), target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (FileAlreadyExistsException raced) {
            delete(staged.dir());
            return target;
        } catch (IOException e) {
            delete(staged.dir());
            throw new UncheckedIOException("cannot store package " + contentHash, e);
        }
    }

    public void discard(Staged staged) {
        delete(staged.dir());
    }

    /** The directory of a stored package. */
    public Path path(String contentHash) {
        if (!HASH.matcher(contentHash).matches()) {
            throw new InvalidArchiveException("'" + contentHash + "' is not a package content hash");
        }
        return root.resolve(contentHash);
    }

    public boolean contains(String contentHash) {
        return Files.isDirectory(path(contentHash));
    }

    /** Writes a stored package as a zip archive (its files and its signature), for an expert-service that fetches it. */
    public void writeArchive(String contentHash, OutputStream out) throws IOException {
        PackageArchive.write(path(contentHash), out);
    }

    private static void clean(Path staging) throws IOException {
        try (Stream<Path> left = Files.list(staging)) {
            left.forEach(PackageStore::delete);
        }
    }

    private static void delete(Path dir) {
        try {
            AtomicDirectory.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
