package dev.flexserve.router.attribution;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hand-off while Kafka is unreachable: each stage completes once the event is fsynced to the spool, which then
 * holds every event in hand-off order; when a broker comes up at the configured address, the spool is replayed to
 * it in that order and emptied.
 */
@QuarkusTest
@TestProfile(HandOffWithoutKafkaTest.KafkaAway.class)
class HandOffWithoutKafkaTest {
    static final int PORT = freePort();
    static final Path SPOOL = tempDirectory();

    public static class KafkaAway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flexserve.router.attribution.bootstrap-servers", "localhost:" + PORT,
                    "flexserve.router.attribution.spool-directory", SPOOL.toString(),
                    "flexserve.router.attribution.deadline", "300ms",
                    "flexserve.router.attribution.retry-interval", "200ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DemoModelsResource.class), new TestResourceEntry(TestDatabase.class));
        }
    }

    @Inject
    AttributionHandOff handOff;

    @Inject
    MeterRegistry metrics;

    @Test
    void whileKafkaIsAwayEventsAreSpooledAndWhenItIsBackReplayedInOrder() throws Exception {
        List<AttributionEvent> events = new ArrayList<>();
        double spooledBefore = metrics.counter("flexserve_attribution_handoffs", "path", "spool").count();
        for (int i = 0; i < 6; i++) {
            AttributionEvent e = HandOffToKafkaTest.event("gen-" + i + "-" + UUID.randomUUID());
            handOff.handOff(e).toCompletableFuture().get(60, TimeUnit.SECONDS);
            events.add(e);
            assertThat(TopicReader.spooled(SPOOL)).as("the spool holds the event when its stage completes")
                    .extracting(SpoolRecord::key).contains(e.requestId());
        }
        List<SpoolRecord> spooled = TopicReader.spooled(SPOOL);
        assertThat(spooled).extracting(SpoolRecord::key).containsExactlyElementsOf(events.stream().map(AttributionEvent::requestId).toList());
        for (int i = 0; i < events.size(); i++) {
            assertThat(AttributionEventCodec.decode(spooled.get(i).value())).isEqualTo(events.get(i));
        }
        assertThat(metrics.counter("flexserve_attribution_handoffs", "path", "spool").count()).isEqualTo(spooledBefore + events.size());

        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withKafkaPort(PORT).withControllerPort(0).start();
        try {
            String bootstrap = "localhost:" + PORT;
            await().atMost(Duration.ofSeconds(90)).until(() -> TopicReader.spooled(SPOOL).isEmpty());
            List<ConsumerRecord<String, byte[]>> log = TopicReader.read(bootstrap, 0, TopicReader.endOffset(bootstrap));
            // The first event's own send may still reach Kafka after its deadline: a duplicate, dropped by the consumer.
            List<String> firstOccurrences = log.stream().map(ConsumerRecord::key).distinct().toList();
            assertThat(firstOccurrences).containsExactlyElementsOf(events.stream().map(AttributionEvent::requestId).toList());
        } finally {
            broker.close();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("router-spool-away");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
