package dev.flexserve.expert.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtProvider;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

class OnnxFfnLoaderTest {

    @Test
    void missingProviderIsNamedWithWhatIsAvailableAndTheFix() {
        assertThatThrownBy(() -> OnnxFfnLoader.requireProvider(OrtProvider.CUDA, EnumSet.of(OrtProvider.CPU)))
                .hasMessageContaining("execution-provider cuda is not available in this ONNX Runtime build (available: [CPU])")
                .hasMessageContaining("-Pgpu");
    }

    @Test
    void presentProviderPasses() {
        assertThatCode(() -> OnnxFfnLoader.requireProvider(OrtProvider.CUDA, EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA)))
                .doesNotThrowAnyException();
    }

    @Test
    void theDefaultBuildHasTheCpuProvider() {
        assertThatCode(() -> OnnxFfnLoader.requireProvider(OrtProvider.CPU, OnnxFfnLoader.availableProviders()))
                .doesNotThrowAnyException();
    }
}
