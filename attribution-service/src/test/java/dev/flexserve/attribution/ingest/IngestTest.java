package dev.flexserve.attribution.ingest;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import dev.flexserve.attribution.testing.KafkaAndPostgres;
import dev.flexserve.attribution.testing.TestEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static dev.flexserve.attribution.testing.Pipeline.PATIENCE;
import static dev.flexserve.attribution.testing.Pipeline.awaitCommitted;
import static dev.flexserve.attribution.testing.Pipeline.committed;
import static dev.flexserve.attribution.testing.Pipeline.contributions;
import static dev.flexserve.attribution.testing.Pipeline.responses;
import static dev.flexserve.attribution.testing.Pipeline.send;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.getHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer against a real broker and a real PostgreSQL: idempotence, dead letters, a database outage. */
@QuarkusTest
@QuarkusTestResource(KafkaAndPostgres.class)
class IngestTest {
    private final TestEvents events = new TestEvents(7);

    @Inject
    MeterRegistry metrics;

    @Test
    void theSameEventTwiceIsStoredOnce() throws Exception {
        AttributionEvent e = events.at(Instant.now());
        send(e);
        RecordMetadata second = send(e);
        awaitCommitted(second);
        assertThat(responses(e.id())).isEqualTo(1);
        assertThat(contributions(e.id())).isEqualTo(e.experts().size());
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterTopicWithItsReasonAndTheNextIsStored() throws Exception {
        byte[] notJson = "{\"specversion\": \"1.0\", \"id\": ".getBytes(StandardCharsets.UTF_8);
        AttributionEvent valid = events.at(Instant.now());
        byte[] misspelt = new String(AttributionEventCodec.encode(valid), StandardCharsets.UTF_8)
                .replace("\"request_id\"", "\"requestId\"").getBytes(StandardCharsets.UTF_8);
        AttributionEvent good = events.at(Instant.now());
        RecordMetadata first = send("poison-1", notJson);
        RecordMetadata second = send("poison-2", misspelt);
        RecordMetadata last = send(good);

        await().atMost(PATIENCE).until(() -> responses(good.id()) == 1);
        awaitCommitted(first);
        awaitCommitted(second);
        awaitCommitted(last);
        assertThat(responses(valid.id())).as("the misspelt copy of an event is not stored").isZero();

        List<ConsumerRecord<String, byte[]>> dead = KafkaAndPostgres.kafka().consume(byte[].class)
                .fromTopics(KafkaAndPostgres.DEAD_LETTER_TOPIC).awaitRecords(2, PATIENCE).stop().getRecords();
        ConsumerRecord<String, byte[]> one = dead.stream().filter(r -> "poison-1".equals(r.key())).findFirst().orElseThrow();
        ConsumerRecord<String, byte[]> two = dead.stream().filter(r -> "poison-2".equals(r.key())).findFirst().orElseThrow();
        assertThat(one.value()).isEqualTo(notJson);
        assertThat(getHeader(one.headers(), "dead-letter-reason")).startsWith("not a JSON document");
        assertThat(getHeader(one.headers(), "dead-letter-offset")).isEqualTo(Long.toString(first.offset()));
        assertThat(two.value()).isEqualTo(misspelt);
        assertThat(getHeader(two.headers(), "dead-letter-reason")).isEqualTo("data.request_id is missing");
        assertThat(getHeader(two.headers(), "dead-letter-topic")).isEqualTo(KafkaAndPostgres.TOPIC);
    }

    @Test
    void whileTheDatabaseIsDownTheOffsetIsNotCommittedAndTheEventArrivesOnceItIsBack() throws Exception {
        AttributionEvent e = events.at(Instant.now());
        double failuresBefore = metrics.counter("flexserve_attribution_store_failures").count();
        KafkaAndPostgres.stopPostgres();
        RecordMetadata sent;
        try {
            sent = send(e);
            // Four failed attempts span at least 1.5 s of backoff, several of the test profile's 200 ms commit
            // intervals: an acknowledged offset would have been committed by then.
            await().atMost(PATIENCE).until(() -> metrics.counter("flexserve_attribution_store_failures").count() >= failuresBefore + 4);
            assertThat(committed(sent)).as("the offset of an event that is not stored is not committed").isLessThanOrEqualTo(sent.offset());
        } finally {
            KafkaAndPostgres.startPostgres();
        }
        await().atMost(PATIENCE).until(() -> responses(e.id()) == 1);
        awaitCommitted(sent);
        assertThat(responses(e.id())).isEqualTo(1);
        assertThat(contributions(e.id())).isEqualTo(e.experts().size());
    }
}
