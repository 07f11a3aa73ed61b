package dev.flexserve.ownerkit.packaging;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ContentHash;
import dev.flexserve.model.packages.Manifest;
import dev.flexserve.model.packages.PackageException;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;
import dev.flexserve.model.weights.WeightSource;
import dev.flexserve.ownerkit.embedding.DomainProjection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Writes trunk packages that publish the domain projection, with the model library's {@link PackageWriter}. */
public final class Packages {
    private Packages() {
    }

    /**
     * Writes a byte-level trunk with {@link DomainProjection#FILE} added to it and listed in its manifest (so the
     * projection is covered by the trunk's content hash); all or nothing. Returns the content hash.
     */
    public static String writeTrunk(Path dir, FlexOlmoConfig config, WeightSource weights, DomainProjection projection,
                                    PackageWriter.Metadata meta) throws IOException {
        if (Files.exists(dir)) {
            throw new PackageException(dir + " already exists; refusing to overwrite it");
        }
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path stage = parent.resolve("." + dir.getFileName() + ".staging-" + System.nanoTime());
        try {
            new PackageWriter(config).writeTrunk(stage, weights, TokenizerAsset.bytes(), meta);
            projection.write(stage.resolve(DomainProjection.FILE));
            Manifest m = Manifest.read(stage);
            SortedMap<String, String> files = new TreeMap<>(m.files());
            files.put(DomainProjection.FILE, ContentHash.ofFile(stage.resolve(DomainProjection.FILE)));
            m.withFiles(files).write(stage);
            Files.move(stage, dir, StandardCopyOption.ATOMIC_MOVE);
            return ContentHash.ofPackage(files);
        } catch (IOException | RuntimeException e) {
            deleteTree(stage);
            throw e;
        }
    }

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

    /** Copies a package directory (a trunk into another model set, for example) file by file. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
