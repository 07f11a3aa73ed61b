package dev.flexserve.router.attribution;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.util.concurrent.CompletableFuture;

/**
 * Sends records to the attribution topic through the SmallRye Kafka channel {@code attribution-events} (acks=all,
 * idempotent producer; application.properties). The future completes when the broker has acknowledged the record
 * and fails when the producer gives up on it (or the channel refuses it).
 */
@ApplicationScoped
class KafkaSender {
    private final Emitter<byte[]> emitter;

    KafkaSender(@Channel("attribution-events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                Emitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    CompletableFuture<Void> send(SpoolRecord record) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> message = Message.of(record.value(),
                Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(record.key()).build()),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                reason -> {
                    acked.completeExceptionally(reason);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException refused) {
            acked.completeExceptionally(refused);
        }
        return acked;
    }
}
