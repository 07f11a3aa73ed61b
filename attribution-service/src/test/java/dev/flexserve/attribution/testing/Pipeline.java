package dev.flexserve.attribution.testing;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.record;
import static io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion.tp;
import static org.awaitility.Awaitility.await;

/** Puts messages on the attribution topic as the router would, and reads back what the service did with them. */
public final class Pipeline {
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private Pipeline() {
    }

    public static RecordMetadata send(AttributionEvent e) {
        return send(e.requestId(), AttributionEventCodec.encode(e));
    }

    public static RecordMetadata send(String key, byte[] value) {
        List<RecordMetadata> sent = KafkaAndPostgres.kafka().produce(byte[].class)
                .fromRecords(record(KafkaAndPostgres.TOPIC, key, value)).awaitCompletion().getRecords();
        return sent.get(0);
    }

    /** The service group's committed offset on the record's partition: the next offset it will read. */
    public static long committed(RecordMetadata m) {
        OffsetAndMetadata o = KafkaAndPostgres.kafka().consumerGroups()
                .offsets(KafkaAndPostgres.GROUP, tp(m.topic(), m.partition()));
        return o == null ? 0 : o.offset();
    }

    /** Waits until the service has committed the record's offset: it stored or dead-lettered it. */
    public static void awaitCommitted(RecordMetadata m) {
        await().atMost(PATIENCE).until(() -> committed(m) > m.offset());
    }

    public static int count(String sql, String value) throws SQLException {
        try (Connection c = KafkaAndPostgres.database(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public static int responses(String eventId) throws SQLException {
        return count("select count(*) from attribution_response where event_id = ?", eventId);
    }

    public static int contributions(String eventId) throws SQLException {
        return count("select count(*) from attribution_contribution where event_id = ?", eventId);
    }
}
