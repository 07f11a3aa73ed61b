package dev.flexserve.cli.model;

import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.Manifest;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What {@code import-hf} and {@code demo} print: one line per package written (trunk first), then the trunk hash. */
final class Written {
    private Written() {
    }

    private record Listed(Path dir, Manifest manifest) {
    }

    /** Lists the packages in {@code dir} from their manifests (read only; the writer verified the content). */
    static void print(PrintWriter out, Path dir, String trunkHash) throws IOException {
        List<Listed> packages;
        try (Stream<Path> children = Files.list(dir)) {
            packages = children.filter(p -> Files.isRegularFile(p.resolve(Manifest.FILE)))
                    .map(p -> new Listed(p, Manifest.read(p)))
                    // The order of 'model info': trunk, public expert, then the other experts by id.
                    .sorted(Comparator.comparing((Listed p) -> !p.manifest().isTrunk())
                            .thenComparing(p -> !p.manifest().id().equals(ExpertPackage.PUBLIC_ID))
                            .thenComparing(p -> p.manifest().id()))
                    .toList();
        }
        for (Listed w : packages) {
            Manifest m = w.manifest();
            out.println(m.isTrunk()
                    ? "wrote trunk package  " + w.dir()
                    : "wrote expert package " + w.dir() + " (id " + m.id() + ", owner " + m.owner() + ")");
        }
        out.println("trunk hash: " + trunkHash);
        out.flush();
    }
}
