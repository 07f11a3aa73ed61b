package dev.flexserve.router.trunk;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Every router-service setting (prefix {@code flexserve.router}); see the module README. */
@ConfigMapping(prefix = "flexserve.router")
public interface RouterSettings {
    /** Directory with the trunk package and the public expert package. */
    Path models();

    /** The id clients name as {@code model}; default: the model set directory's name. */
    Optional<String> modelId();

    @WithDefault("0")
    int expertsPerToken();

    @WithDefault("1")
    int intraOpThreads();

    @WithDefault("32")
    int maxBatch();

    /** Parts the running batch is split into, stepped concurrently to overlap expert round trips; 1 turns it off. */
    @WithDefault("2")
    int microBatches();

    @WithDefault("256")
    int maxQueue();

    @WithDefault("1073741824")
    long kvCacheBudgetBytes();

    @WithDefault("continue")
    RevocationMode revocationMode();

    @WithDefault("5s")
    Duration expertTimeout();

    /** Event loop threads that carry every expert connection's I/O; one suffices for a few experts on few cores. */
    @WithDefault("1")
    int fanoutThreads();

    enum RevocationMode {
        /** In-flight sequences continue without the expert. */
        CONTINUE,
        /** In-flight sequences are re-prefilled without the expert: their caches hold no trace of it. */
        STRICT
    }
}
