package dev.flexserve.router.attribution;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the attribution hand-off (prefix {@code flexserve.router.attribution}); see the module README.
 * {@code bootstrap-servers} and {@code topic} feed the Kafka channel {@code attribution-events} in
 * application.properties.
 */
@ConfigMapping(prefix = "flexserve.router.attribution")
public interface AttributionSettings {
    @WithDefault("localhost:9092")
    String bootstrapServers();

    @WithDefault("flexserve.attribution.v1")
    String topic();

    /** The write-ahead spool: events Kafka has not acknowledged in time wait here, fsynced, until it does. */
    @WithDefault(".data/attribution-spool")
    Path spoolDirectory();

    /** How long a hand-off waits for Kafka's acknowledgement before it spools the event instead. */
    @WithDefault("2s")
    Duration deadline();

    /** The pause between replay attempts while Kafka refuses the spooled events. */
    @WithDefault("1s")
    Duration retryInterval();
}
