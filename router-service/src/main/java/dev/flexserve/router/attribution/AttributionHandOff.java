package dev.flexserve.router.attribution;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Hands each attribution event off durably: {@link #handOff} completes only once the event is acknowledged by Kafka
 * ({@code acks=all}, idempotent producer) or, when Kafka has not acknowledged it within the deadline (unreachable,
 * slow, refusing), once it is appended and fsynced to the local write-ahead spool. Spooled events are replayed to
 * Kafka in order, when Kafka takes them again and at startup, and leave the spool only after Kafka acknowledged them.
 * While the spool holds events, new events are spooled behind them without trying Kafka first: a Kafka that just
 * failed is not made to fail each response again after a full deadline, and an outage's events reach the topic in the
 * order they were handed off. docs/attribution.md states the guarantee and what a crash at each point does.
 *
 * <p>The returned stage completes on a Kafka or spool thread: do not block in what it triggers. It fails only when
 * the event was neither acknowledged by Kafka nor written to the spool (the disk failed, or the router is shutting
 * down); the response must then not be confirmed to the client.
 */
@Startup
@ApplicationScoped
public class AttributionHandOff {
    private static final Logger LOG = Logger.getLogger(AttributionHandOff.class);

    private final KafkaSender kafka;
    private final long deadlineMillis;
    private final Spool spool;
    private final SpoolWriter writer;
    private final SpoolReplayer replayer;
    private final Counter toKafka;
    private final Counter toSpool;
    private final Timer handOffTime;

    public AttributionHandOff(AttributionSettings settings, KafkaSender kafka, MeterRegistry metrics) {
        this.kafka = kafka;
        this.deadlineMillis = settings.deadline().toMillis();
        try {
            this.spool = Spool.open(settings.spoolDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the attribution spool " + settings.spoolDirectory(), e);
        }
        Counter replayed = metrics.counter("flexserve_attribution_replayed");
        this.replayer = new SpoolReplayer(spool, kafka, settings.retryInterval(), replayed::increment);
        this.writer = new SpoolWriter(spool, replayer::wake);
        this.toKafka = metrics.counter("flexserve_attribution_handoffs", "path", "kafka");
        this.toSpool = metrics.counter("flexserve_attribution_handoffs", "path", "spool");
        Gauge.builder("flexserve_attribution_spooled_events", spool, Spool::records).register(metrics);
        this.handOffTime = Timer.builder("flexserve.attribution.handoff")
                .description("From handing an event off to its Kafka acknowledgement or spool fsync: what it adds to a response")
                .publishPercentiles(0.5, 0.99).register(metrics);
        writer.start();
        replayer.start();
        LOG.infof("attribution hand-off to Kafka topic %s at %s, spool %s, deadline %d ms", settings.topic(),
                settings.bootstrapServers(), settings.spoolDirectory().toAbsolutePath(), deadlineMillis);
    }

    /** Completes once the event is acknowledged by Kafka or fsynced to the spool; see the class comment. */
    public CompletionStage<Void> handOff(AttributionEvent event) {
        Timer.Sample sample = Timer.start();
        return send(event).whenComplete((done, failure) -> sample.stop(handOffTime));
    }

    private CompletionStage<Void> send(AttributionEvent event) {
        SpoolRecord record = new SpoolRecord(event.requestId(), AttributionEventCodec.encode(event));
        if (spool.records() > 0) {
            return spool(record);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        kafka.send(record).orTimeout(deadlineMillis, TimeUnit.MILLISECONDS).whenComplete((acked, failure) -> {
            if (failure == null) {
                toKafka.increment();
                done.complete(null);
            } else {
                spool(record).whenComplete((written, spoolFailure) -> {
                    if (spoolFailure == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(spoolFailure);
                    }
                });
            }
        });
        return done;
    }

    private CompletableFuture<Void> spool(SpoolRecord record) {
        return writer.write(record).thenRun(toSpool::increment);
    }

    @PreDestroy
    void close() throws InterruptedException, IOException {
        writer.stop();
        replayer.stop();
        spool.close();
    }
}
