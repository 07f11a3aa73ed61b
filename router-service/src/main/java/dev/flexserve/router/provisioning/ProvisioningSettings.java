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
    /**
     * {@code embedded}: a local expert-service process per expert; {@code kubernetes}: an {@code Expert} resource per
     * expert, reconciled by the operator; {@code none}: uploads are refused (503).
     */
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

    /**
     * Kubernetes: the router's own URL as the expert pods reach it; they fetch their package from
     * {@code <package-base-url>/internal/v1/packages/<hash>}.
     */
    Optional<String> packageBaseUrl();

    /** Kubernetes: how each uploaded expert's Expert resource is written. */
    Kubernetes kubernetes();

    enum Mode {
        NONE, EMBEDDED, KUBERNETES
    }

    /** Defaults of the Expert resources the router writes (prefix {@code flexserve.router.provisioning.kubernetes}). */
    interface Kubernetes {
        /** Namespace of the Expert resources; the Kubernetes client's namespace when absent. */
        Optional<String> namespace();

        /** KEDA's lower bound; 0 lets an idle expert scale to zero. */
        @WithDefault("1")
        int replicasMin();

        @WithDefault("3")
        int replicasMax();

        @WithDefault("500m")
        String cpuRequest();

        @WithDefault("1Gi")
        String memoryRequest();

        @WithDefault("2Gi")
        String memoryLimit();

        /** GPUs per pod ({@code nvidia.com/gpu}); above 0 the pods also select and tolerate GPU nodes. */
        @WithDefault("0")
        int gpus();
    }
}
