package dev.flexserve.model.packages;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A package as one zip archive, the form it travels in (an owner's upload, an expert-service fetching it from the
 * store): every file of the directory — manifest, signature, graphs, tensors — at its path relative to the package,
 * in a stable order. Both directions stream: neither holds a package whole in memory.
 */
public final class PackageArchive {
    private PackageArchive() {
    }

    /** How much an archive may unpack to. */
    public record Limits(long maxBytes, int maxFiles) {
    }

    public static void write(Path dir, OutputStream out) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                zip.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, zip);
                zip.closeEntry();
            }
        }
    }

    /**
     * Unpacks an archive into the empty directory {@code dir}, checking every path to stay inside it and stopping at
     * {@code limits}. Nothing here verifies the package: that is {@link PackageSignatures} and {@link ExpertPackage}'s
     * work once it is unpacked. On failure {@code dir} holds a partial package for the caller to delete.
     *
     * @throws ArchiveException for a truncated or corrupt archive, a path outside it, an entry twice, no top-level
     *                          {@code manifest.json}, or more than the limits allow
     * @throws IOException      when the stream or the disk fails for another reason
     */
    public static void extract(InputStream archive, Path dir, Limits limits) throws IOException {
        long bytes = 0;
        int files = 0;
        Set<Path> seen = new HashSet<>();
        byte[] buffer = new byte[1 << 16];
        try (ZipInputStream in = new ZipInputStream(archive)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String name = e.getName();
                Path target = dir.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("\\") || !target.startsWith(dir) || target.equals(dir)) {
                    throw new ArchiveException("the archive entry '" + name + "' leaves the package", false);
                }
                if (!seen.add(target)) {
                    throw new ArchiveException("the archive holds '" + name + "' twice", false);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                if (++files > limits.maxFiles()) {
                    throw new ArchiveException("the package has more than " + limits.maxFiles() + " files", true);
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        bytes += n;
                        if (bytes > limits.maxBytes()) {
                            throw new ArchiveException("the package unpacks to more than " + limits.maxBytes() + " bytes", true);
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (ZipException | EOFException e) {
            throw new ArchiveException("the archive is truncated or corrupt: " + e.getMessage(), false);
        }
        if (files == 0) {
            throw new ArchiveException("the archive is empty or not a zip archive", false);
        }
        if (!Files.isRegularFile(dir.resolve(Manifest.FILE))) {
            throw new ArchiveException("the archive has no " + Manifest.FILE + " at its top level", false);
        }
    }
}
