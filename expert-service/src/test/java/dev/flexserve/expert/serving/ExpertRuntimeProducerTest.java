package dev.flexserve.expert.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flexserve.expert.config.ExpertConfig;
import dev.flexserve.expert.engine.ExecutionProvider;
import dev.flexserve.expert.testing.DemoPackagesResource;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.packages.TrunkPackage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flexserve.internalauth.InternalCredential;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The method Quarkus calls at startup: a corrupt package ends startup with one line naming the file. */
class ExpertRuntimeProducerTest {
    static final InternalCredential CREDENTIAL = new InternalCredential("expert-producer-test-secret-0123456789");
    Path root;
    Path demo;

    @BeforeEach
    void writeDemo() throws IOException {
        root = Files.createTempDirectory("flexserve-expert-producer");
        demo = root.resolve("demo");
        DemoModels.write(demo);
    }

    @AfterEach
    void delete() {
        DemoPackagesResource.deleteTree(root);
    }

    @Test
    void corruptPackageFailsStartupWithOneLineNamingTheFile() throws IOException {
        Files.writeString(demo.resolve("expert-1/expert.safetensors"), "x", StandardOpenOption.APPEND);
        String trunkHash = TrunkPackage.load(demo.resolve("trunk")).hash();
        ExpertConfig config = config(demo.resolve("expert-1"), trunkHash, ExecutionProvider.CPU);
        assertThatThrownBy(() -> new ExpertRuntimeProducer().runtime(config, CREDENTIAL))
                .isInstanceOf(ExpertStartupException.class)
                .hasMessageStartingWith("expert-service cannot start: " + demo.resolve("expert-1"))
                .hasMessageContaining("file expert.safetensors fails its SHA-256 check")
                .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
    }

    @Test
    void validPackageStartsActive() {
        String trunkHash = TrunkPackage.load(demo.resolve("trunk")).hash();
        try (ExpertRuntime runtime = new ExpertRuntimeProducer().runtime(
                config(demo.resolve("expert-3"), trunkHash, ExecutionProvider.CPU), CREDENTIAL)) {
            assertThat(runtime.id()).isEqualTo("expert-3");
            assertThat(runtime.isActive()).isTrue();
        }
    }

    @Test
    void cudaWithTheCpuOnlyBuildFailsStartupNamingTheFix() {
        String trunkHash = TrunkPackage.load(demo.resolve("trunk")).hash();
        ExpertConfig config = config(demo.resolve("expert-1"), trunkHash, ExecutionProvider.CUDA);
        assertThatThrownBy(() -> new ExpertRuntimeProducer().runtime(config, CREDENTIAL))
                .isInstanceOf(ExpertStartupException.class)
                .hasMessageContaining("execution-provider cuda is not available in this ONNX Runtime build")
                .hasMessageContaining("-Pgpu");
    }

    static ExpertConfig config(Path dir, String baseHash, ExecutionProvider provider) {
        return new ExpertConfig() {
            @Override
            public Optional<String> packageDir() {
                return Optional.of(dir.toString());
            }

            @Override
            public Optional<URI> packageUrl() {
                return Optional.empty();
            }

            @Override
            public Optional<String> packageHash() {
                return Optional.empty();
            }

            @Override
            public Path packageCache() {
                return dir.resolveSibling("cache");
            }

            @Override
            public Duration packageFetchTimeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public long packageMaxBytes() {
                return 1L << 30;
            }

            @Override
            public int packageMaxFiles() {
                return 64;
            }

            @Override
            public String baseHash() {
                return baseHash;
            }

            @Override
            public int intraOpThreads() {
                return 1;
            }

            @Override
            public ExecutionProvider executionProvider() {
                return provider;
            }

            @Override
            public boolean startActive() {
                return true;
            }
        };
    }
}
