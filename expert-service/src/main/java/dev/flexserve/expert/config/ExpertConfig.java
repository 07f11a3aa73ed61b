package dev.flexserve.expert.config;

import dev.flexserve.expert.engine.ExecutionProvider;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code flexserve.expert.*}: which expert package this process serves and how. Environment variables work as
 * usual ({@code FLEXSERVE_EXPERT_PACKAGE} or {@code FLEXSERVE_EXPERT_PACKAGE_URL} with
 * {@code FLEXSERVE_EXPERT_PACKAGE_HASH}, {@code FLEXSERVE_EXPERT_BASE_HASH}, ...).
 */
@ConfigMapping(prefix = "flexserve.expert")
public interface ExpertConfig {

    /**
     * Directory of the expert package (its {@code manifest.json}, {@code layers/ffn_<l>.onnx}, ...). Exactly one of
     * {@code package} and {@code package-url} is set.
     */
    @WithName("package")
    Optional<String> packageDir();

    /**
     * Where to fetch the package from instead, as a zip archive (the router's
     * {@code /internal/v1/packages/<hash>}, called with the platform's credential); needs {@code package-hash}.
     */
    Optional<URI> packageUrl();

    /** Content hash of the package at {@code package-url}: what is fetched must be exactly this package. */
    Optional<String> packageHash();

    /** Where fetched packages are kept, one directory per content hash (reused on restart). */
    @WithDefault(".data/package-cache")
    Path packageCache();

    /** How long to keep retrying while the package store is unreachable. */
    @WithDefault("2m")
    Duration packageFetchTimeout();

    /** Bounds on what a fetched archive may unpack to. */
    @WithDefault("68719476736")
    long packageMaxBytes();

    @WithDefault("4096")
    int packageMaxFiles();

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
