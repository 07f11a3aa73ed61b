package dev.flexserve.attribution.ingest;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import dev.flexserve.attribution.event.InvalidEventException;
import dev.flexserve.attribution.store.AttributionStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Consumes the attribution topic. Each message is either
 * <ul>
 * <li>invalid: nacked with the parser's reason, which the connector's dead-letter strategy writes to the
 * dead-letter topic (headers {@code dead-letter-reason}, topic, partition, offset) before it acknowledges the
 * original, so the partition moves on; or</li>
 * <li>valid: stored in one database transaction and acknowledged only after that transaction committed. A failure
 * to store (the database is down, a connection broke) is retried with backoff for as long as it takes: it is never
 * dead-lettered and never acknowledged, so its offset is not committed and a restart redelivers it.</li>
 * </ul>
 * Offsets are committed by the connector's {@code throttled} strategy: only up to the oldest message not yet
 * acknowledged. A redelivered event that is already stored is a no-op ({@link AttributionStore}).
 */
@ApplicationScoped
public class AttributionConsumer {
    private static final Logger LOG = Logger.getLogger(AttributionConsumer.class);
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration LAST_RETRY = Duration.ofSeconds(5);

    private final AttributionStore store;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter storeFailures;

    public AttributionConsumer(AttributionStore store, MeterRegistry metrics) {
        this.store = store;
        this.stored = metrics.counter("flexserve_attribution_events", "outcome", "stored");
        this.duplicates = metrics.counter("flexserve_attribution_events", "outcome", "duplicate");
        this.deadLettered = metrics.counter("flexserve_attribution_events", "outcome", "dead_lettered");
        this.storeFailures = metrics.counter("flexserve_attribution_store_failures");
    }

    @Incoming("attribution-events")
    public Uni<Void> consume(Message<byte[]> message) {
        AttributionEvent event;
        try {
            event = AttributionEventCodec.decode(message.getPayload());
        } catch (InvalidEventException invalid) {
            deadLettered.increment();
            LOG.warnf("attribution event dead-lettered: %s", invalid.getMessage());
            return Uni.createFrom().completionStage(message.nack(invalid));
        }
        return Uni.createFrom().item(() -> store.store(event))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(failure -> {
                    storeFailures.increment();
                    LOG.warnf("storing attribution event %s failed, retrying: %s", event.id(), failure.toString());
                })
                .onFailure().retry().withBackOff(FIRST_RETRY, LAST_RETRY).indefinitely()
                .chain(inserted -> {
                    (inserted ? stored : duplicates).increment();
                    return Uni.createFrom().completionStage(message.ack());
                });
    }
}
