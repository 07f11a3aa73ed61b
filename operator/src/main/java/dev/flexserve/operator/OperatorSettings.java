package dev.flexserve.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.net.URI;
import java.time.Duration;

/** The operator's configuration (prefix {@code flexserve.operator}). */
@ConfigMapping(prefix = "flexserve.operator")
public interface OperatorSettings {
    /** Base URL of the router's admin API, e.g. {@code http://router-service:8081}. */
    @WithName("router-url")
    URI routerUrl();

    /** How long one router call may take (a revoke waits until the router no longer routes to the expert). */
    @WithDefault("60s")
    Duration routerTimeout();

    /** The generic expert-service image every expert runs. */
    @WithDefault("flexserve/expert-service:0.1.0")
    String expertImage();

    /** Secret in each expert's namespace holding the platform credential the pods fetch their package with. */
    @WithDefault("flexserve-internal")
    String internalSecretName();

    @WithDefault("secret")
    String internalSecretKey();

    /** Prometheus that scrapes the expert pods; KEDA queries it. */
    @WithDefault("http://prometheus-server.monitoring.svc:9090")
    String prometheusUrl();

    /** In-flight rows one replica should carry before KEDA adds another. */
    @WithDefault("8")
    int rowsPerReplica();

    /** How often an expert still waiting for a ready replica is looked at again. */
    @WithDefault("5s")
    Duration pendingRecheck();

    /** How often a settled expert is looked at again (drift, readiness after scale-from-zero). */
    @WithDefault("60s")
    Duration settledRecheck();
}
