package dev.flexserve.expert.testing;

import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.packages.TrunkPackage;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the deterministic demo packages into a temporary directory and points the expert-service at
 * {@code <dir>/expert-1}, with the demo trunk's content hash as the expected base hash.
 */
public class DemoPackagesResource implements QuarkusTestResourceLifecycleManager {
    public static final String EXPERT = "expert-1";

    private Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("flexserve-expert-test");
            Path demo = root.resolve("demo");
            DemoModels.write(demo);
            String trunkHash = TrunkPackage.load(demo.resolve("trunk")).hash();
            return Map.of(
                    "flexserve.expert.package", demo.resolve(EXPERT).toString(),
                    "flexserve.expert.base-hash", trunkHash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        deleteTree(root);
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
