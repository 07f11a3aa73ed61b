package dev.flexserve.expert.config;

import dev.flexserve.expert.engine.ExecutionProvider;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * {@code flexserve.expert.*}: which expert package this process serves and how. Environment variables work as
 * usual ({@code FLEXSERVE_EXPERT_PACKAGE}, {@code FLEXSERVE_EXPERT_BASE_HASH}, ...).
 */
@ConfigMapping(prefix = "flexserve.expert")
public interface ExpertConfig {

    /** Directory of the expert package (its {@code manifest.json}, {@code layers/ffn_<l>.onnx}, ...). Required. */
    @WithName("package")
    String packageDir();

    /** Content hash of the trunk the expert must have been trained against. Required. */
    String baseHash();

    /** ONNX Runtime intra-op threads per session; 1 suits small per-layer graphs. */
    @WithDefault("1")
    int intraOpThreads();

    /** {@code cpu} or {@code cuda}. */
    @WithDefault("cpu")
    ExecutionProvider executionProvider();

    /** Whether the expert serves right after startup; {@code false} starts it deactivated (package verified). */
    @WithDefault("true")
    boolean startActive();
}
