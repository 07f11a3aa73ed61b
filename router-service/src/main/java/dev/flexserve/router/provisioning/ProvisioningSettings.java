package dev.flexserve.router.provisioning;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How uploaded experts are run (prefix {@code flexserve.router.provisioning}). */
@ConfigMapping(prefix = "flexserve.router.provisioning")
public interface ProvisioningSettings {
    /** {@code embedded}: a local expert-service process per expert; {@code none}: uploads are refused (503). */
    @WithDefault("none")
    Mode mode();

    /** Embedded: the expert-service's Quarkus jar. */
    Optional<Path> expertJar();

    /** Embedded: JVM options of each expert-service. */
    @WithDefault("-Xmx256m,-XX:+UseSerialGC")
    List<String> jvmOptions();

    /** Embedded: where each expert-service's log goes ({@code expert-<id>.log}). */
    @WithDefault(".data/logs")
    Path logDirectory();

    /** How long a workload may take to become ready. */
    @WithDefault("3m")
    Duration startupTimeout();

    enum Mode {
        NONE, EMBEDDED
    }
}
