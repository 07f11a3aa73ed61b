package dev.flexserve.router.attribution;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import dev.flexserve.attribution.event.ExpertContribution;
import dev.flexserve.attribution.event.FinishReason;
import dev.flexserve.attribution.event.InvalidEventException;
import dev.flexserve.attribution.event.Usage;
import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.Internal;
import dev.flexserve.router.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.flexserve.router.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hand-off with a real Kafka broker: an event is in the topic's log when its stage completes; a spool left by
 * an earlier run (its last record torn by a crash) is replayed in order at startup and emptied; a completion is
 * answered only once its event is on the topic; a stream its client abandons is recorded as cancelled.
 */
@QuarkusTest
@TestProfile(HandOffToKafkaTest.KafkaUp.class)
class HandOffToKafkaTest {
    /** The records an earlier run spooled, in two segments, before it crashed in the middle of a sixth. */
    static final List<SpoolRecord> EARLIER = List.of(record("earlier-1"), record("earlier-2"), record("earlier-3"),
            record("earlier-4"), record("earlier-5"));

    public static class KafkaUp implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Broker.class), new TestResourceEntry(DemoModelsResource.class), new TestResourceEntry(TestDatabase.class));
        }
    }

    public static class Broker implements QuarkusTestResourceLifecycleManager {
        static EmbeddedKafkaBroker broker;
        static String bootstrap;
        static Path spool;

        @Override
        public Map<String, String> start() {
            broker = new EmbeddedKafkaBroker().withKafkaPort(0).withControllerPort(0).start();
            bootstrap = broker.getAdvertisedListeners().replace("PLAINTEXT://", "");
            try {
                spool = Files.createTempDirectory("router-spool");
                try (Spool s = Spool.open(spool)) {
                    s.append(EARLIER.subList(0, 3));
                    s.seal();
                    s.append(EARLIER.subList(3, 5));
                }
                Path last;
                try (var files = Files.list(spool)) {
                    last = files.sorted().reduce((a, b) -> b).orElseThrow();
                }
                byte[] sixth = SpoolFormat.frames(List.of(record("torn"))).array();
                Files.write(last, Arrays.copyOf(sixth, sixth.length / 2), StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("flexserve.router.attribution.bootstrap-servers", bootstrap,
                    "flexserve.router.attribution.spool-directory", spool.toString());
        }

        @Override
        public void stop() {
            broker.close();
        }
    }

    @Inject
    AttributionHandOff handOff;

    @TestHTTPResource("/")
    URL url;

    @Inject
    MeterRegistry metrics;

    static SpoolRecord record(String requestId) {
        return new SpoolRecord(requestId, AttributionEventCodec.encode(event(requestId)));
    }

    static AttributionEvent event(String requestId) {
        return new AttributionEvent(UUID.randomUUID().toString(), "urn:flexserve:test", Instant.now(), requestId, "acme", "alice",
                "flexolmo", "trunk", List.of(new ExpertContribution("public", "public", "v", 1, 3, 2)), Usage.of(2, 3),
                FinishReason.STOP, List.of());
    }

    private static void awaitSpoolEmpty() {
        await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.spooled(Broker.spool).isEmpty());
    }

    @Test
    void anEarlierRunsSpoolIsReplayedInOrderAtStartupAndEmptied() throws IOException {
        awaitSpoolEmpty();
        List<ConsumerRecord<String, byte[]>> log = TopicReader.read(Broker.bootstrap, 0, TopicReader.endOffset(Broker.bootstrap));
        List<String> earlierOnTopic = log.stream().map(ConsumerRecord::key).filter(k -> k.startsWith("earlier-")).distinct().toList();
        assertThat(earlierOnTopic).containsExactly("earlier-1", "earlier-2", "earlier-3", "earlier-4", "earlier-5");
        assertThat(log).extracting(ConsumerRecord::key).doesNotContain("torn");
        for (SpoolRecord r : EARLIER) {
            assertThat(log.stream().filter(c -> c.key().equals(r.key())).findFirst().orElseThrow().value())
                    .as("the bytes on the topic are the spooled bytes").isEqualTo(r.value());
        }
        try (var files = Files.list(Broker.spool)) {
            assertThat(files.filter(p -> p.toString().endsWith(".spool")).toList()).as("replayed segments are deleted").isEmpty();
        }
    }

    @Test
    void theEventIsInTheTopicsLogWhenItsStageCompletes() throws Exception {
        awaitSpoolEmpty();
        long before = TopicReader.endOffset(Broker.bootstrap);
        double viaKafka = metrics.counter("flexserve_attribution_handoffs", "path", "kafka").count();
        AttributionEvent e = event("gen-" + UUID.randomUUID());
        handOff.handOff(e).toCompletableFuture().get(60, TimeUnit.SECONDS);
        long after = TopicReader.endOffset(Broker.bootstrap);
        assertThat(after).as("the log end offset already counts the event").isGreaterThan(before);
        List<ConsumerRecord<String, byte[]>> added = TopicReader.read(Broker.bootstrap, before, after);
        assertThat(added).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo(e.requestId());
            assertThat(AttributionEventCodec.decode(r.value())).isEqualTo(e);
        });
        assertThat(metrics.counter("flexserve_attribution_handoffs", "path", "kafka").count()).isEqualTo(viaKafka + 1);
        assertThat(TopicReader.spooled(Broker.spool)).as("nothing was spooled").isEmpty();
    }

    @Test
    void aCompletionIsAnsweredOnlyOnceItsEventIsOnTheTopic() throws Exception {
        awaitSpoolEmpty();
        long before = TopicReader.endOffset(Broker.bootstrap);
        String id = "wired-" + UUID.randomUUID();
        var response = given().header("X-Request-Id", id).header("X-FlexServe-Subject", "alice")
                .header("X-FlexServe-Organization", "acme").header("X-FlexServe-Roles", "consumer")
                .contentType(ContentType.JSON).body("{\"prompt\": \"Hello\", \"max_tokens\": 5, \"temperature\": 0}")
                .post("/internal/v1/generate").then().statusCode(200).extract().jsonPath();
        long after = TopicReader.endOffset(Broker.bootstrap);
        AttributionEvent event = TopicReader.read(Broker.bootstrap, before, after).stream()
                .filter(r -> r.key().equals(id)).map(HandOffToKafkaTest::decoded).findFirst()
                .orElseThrow(() -> new AssertionError("the answer came before its event was on the topic"));
        assertThat(response.getString("id")).isEqualTo(id);
        assertThat(event.organization()).isEqualTo("acme");
        assertThat(event.subject()).isEqualTo("alice");
        assertThat(event.usage().completionTokens()).isEqualTo(response.getInt("usage.completion_tokens"));
        assertThat(event.usage().promptTokens()).isEqualTo(response.getInt("usage.prompt_tokens"));
        assertThat(event.finishReason().wire()).isEqualTo(response.getString("finish_reason"));
        assertThat(event.experts()).extracting(ExpertContribution::expert).containsExactly("public");
    }

    @Test
    void aStreamItsClientAbandonsIsCancelledAndRecordedAsSuch() throws Exception {
        awaitSpoolEmpty();
        long before = TopicReader.endOffset(Broker.bootstrap);
        String id = "abandoned-" + UUID.randomUUID();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "internal/v1/generate/stream"))
                .header("Authorization", "Bearer " + Internal.SECRET).header("X-Request-Id", id)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Hello\", \"max_tokens\": 1500, \"temperature\": 0.7, \"seed\": 3}"))
                .build();
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (var lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            int tokens = 0;
            for (String line = lines.readLine(); tokens < 3; line = lines.readLine()) {
                tokens += line.startsWith("data:") ? 1 : 0;
            }
        }
        AttributionEvent event = await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.read(Broker.bootstrap, before,
                TopicReader.endOffset(Broker.bootstrap)).stream().filter(r -> r.key().equals(id))
                .map(HandOffToKafkaTest::decoded).findFirst().orElse(null), e -> e != null);
        assertThat(event.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(event.usage().completionTokens()).as("it ended long before its 1500 tokens").isBetween(3, 1499);
    }

    static AttributionEvent decoded(ConsumerRecord<String, byte[]> record) {
        try {
            return AttributionEventCodec.decode(record.value());
        } catch (InvalidEventException e) {
            throw new AssertionError("the router wrote an event the codec refuses", e);
        }
    }
}
