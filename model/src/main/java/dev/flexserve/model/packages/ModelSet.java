package dev.flexserve.model.packages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory holding one trunk package and expert packages as subdirectories (what {@code model import-hf} and
 * {@code model demo} write). The public expert comes first, the others in id order, which fixes the order in
 * which gating iterates experts, and therefore floating-point results, independent of the file system.
 */
public record ModelSet(TrunkPackage trunk, List<ExpertPackage> experts) {

    public static ModelSet load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PackageException(dir + ": no such models directory");
        }
        List<Path> trunks = new ArrayList<>();
        List<Path> expertDirs = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children.sorted()::iterator) {
                if (Files.isRegularFile(child.resolve(Manifest.FILE))) {
                    (Manifest.read(child).isTrunk() ? trunks : expertDirs).add(child);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list packages", e);
        }
        if (trunks.size() != 1) {
            throw new PackageException(dir + ": expected exactly one trunk package, found " + trunks.size());
        }
        TrunkPackage trunk = TrunkPackage.load(trunks.get(0));
        List<ExpertPackage> experts = new ArrayList<>();
        for (Path e : expertDirs) {
            ExpertPackage p = ExpertPackage.load(e, trunk);
            if (experts.stream().anyMatch(x -> x.id().equals(p.id()))) {
                throw new PackageException(dir + ": two expert packages have the id '" + p.id() + "'");
            }
            experts.add(p);
        }
        if (experts.stream().noneMatch(e -> e.id().equals(ExpertPackage.PUBLIC_ID))) {
            throw new PackageException(dir + ": no public expert package (id '" + ExpertPackage.PUBLIC_ID + "')");
        }
        experts.sort(Comparator.comparing((ExpertPackage e) -> !e.id().equals(ExpertPackage.PUBLIC_ID)).thenComparing(ExpertPackage::id));
        return new ModelSet(trunk, List.copyOf(experts));
    }
}
