package dev.flexserve.router.store;

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
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

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
    private final long maxBytes;
    private final int maxFiles;

    public PackageStore(StoreSettings settings) {
        this.root = settings.directory().toAbsolutePath().normalize();
        this.maxBytes = settings.maxBytes();
        this.maxFiles = settings.maxFiles();
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
            unpack(archive, dir);
            if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
                throw new InvalidArchiveException("the archive has no manifest.json at its top level");
            }
            return new Staged(dir);
        } catch (IOException e) {
            delete(dir);
            throw new InvalidArchiveException("the archive is truncated or corrupt: " + e.getMessage());
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    private void unpack(InputStream archive, Path dir) throws IOException {
        long bytes = 0;
        int files = 0;
        Set<String> seen = new HashSet<>();
        byte[] buffer = new byte[1 << 16];
        try (ZipInputStream in = new ZipInputStream(archive)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String name = e.getName();
                Path target = dir.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("\\") || !target.startsWith(dir) || target.equals(dir)) {
                    throw new InvalidArchiveException("the archive entry '" + name + "' leaves the package");
                }
                if (!seen.add(target.toString())) {
                    throw new InvalidArchiveException("the archive holds '" + name + "' twice");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                if (++files > maxFiles) {
                    throw new ArchiveTooLargeException("the package has more than " + maxFiles + " files");
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        bytes += n;
                        if (bytes > maxBytes) {
                            throw new ArchiveTooLargeException("the package unpacks to more than " + maxBytes + " bytes");
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (ZipException e) {
            throw new InvalidArchiveException("the archive is corrupt: " + e.getMessage());
        }
        if (files == 0) {
            throw new InvalidArchiveException("the archive is empty or not a zip archive");
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
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
