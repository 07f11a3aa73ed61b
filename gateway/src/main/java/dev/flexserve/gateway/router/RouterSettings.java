package dev.flexserve.gateway.router;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;

/** Where the router-service is and how long the gateway waits for it (prefix {@code flexserve.gateway.router}). */
@ConfigMapping(prefix = "flexserve.gateway.router")
public interface RouterSettings {
    @WithDefault("http://127.0.0.1:8081")
    URI url();

    /** A whole non-streaming generation, or the gap between two events of a stream. */
    @WithDefault("5m")
    Duration timeout();

    /** Connections kept to the router (each in-flight request holds one). */
    @WithDefault("256")
    int maxConnections();
}
