package dev.flexserve.operator.crd;

import io.fabric8.crdv2.generator.CRDGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRD committed for the manifests is the one generated from the Java types (as the Operator SDK generates it at
 * build time into target/kubernetes/): change a type, run {@code k8s/update-crd.sh} (or copy that file).
 */
class CrdFileTest {
    private static final Path COMMITTED = Path.of("..", "k8s", "base", "operator", "expert-crd.yaml");

    @Test
    void theCommittedCrdIsTheGeneratedOne(@TempDir Path dir) throws IOException {
        int generated = new CRDGenerator().customResourceClasses(Expert.class).forCRDVersions("v1")
                .inOutputDir(dir.toFile()).generate();

        assertThat(generated).isEqualTo(1);
        String fresh = Files.readString(dir.resolve("experts.flexserve.dev-v1.yml"));
        assertThat(Files.readString(COMMITTED)).as("k8s/base/operator/expert-crd.yaml is stale").isEqualTo(fresh);
    }
}
