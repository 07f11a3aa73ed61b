package dev.flexserve.gateway.usage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;

/** Where the attribution-service is (prefix {@code flexserve.gateway.attribution}). */
@ConfigMapping(prefix = "flexserve.gateway.attribution")
public interface UsageSettings {
    @WithDefault("http://127.0.0.1:8082")
    URI url();

    @WithDefault("30s")
    Duration timeout();

    @WithDefault("32")
    int maxConnections();
}
