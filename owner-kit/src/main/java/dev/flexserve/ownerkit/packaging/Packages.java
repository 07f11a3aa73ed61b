package dev.flexserve.ownerkit.packaging;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;
import dev.flexserve.model.weights.WeightSource;
import dev.flexserve.ownerkit.embedding.RoutingSpace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Writes trunk packages that publish the routing space, with the model library's {@link PackageWriter}. */
public final class Packages {
    private Packages() {
    }

    /**
     * Writes a trunk that publishes {@code space} ({@link RoutingSpace#FILE}, listed in its manifest, so the routing
     * space is covered by the trunk's content hash), all or nothing. Returns the content hash.
     */
    public static String writeTrunk(Path dir, FlexOlmoConfig config, WeightSource weights, TokenizerAsset tokenizer,
                                    RoutingSpace space, PackageWriter.Metadata meta) throws IOException {
        return new PackageWriter(config).writeTrunk(dir, weights, tokenizer, meta, tmp -> {
            space.write(tmp.resolve(RoutingSpace.FILE));
            return null;
        });
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
