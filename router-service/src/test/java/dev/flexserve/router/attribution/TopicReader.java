package dev.flexserve.router.attribution;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads what the tests check: the attribution topic's one partition, and the spool's files (without changing them). */
final class TopicReader {
    static final String TOPIC = "flexserve.attribution.v1";
    static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private TopicReader() {
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The partition's log end offset: one past the last record Kafka has acknowledged. */
    static long endOffset(String bootstrap) {
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            return c.endOffsets(List.of(PARTITION), Duration.ofSeconds(30)).get(PARTITION);
        }
    }

    /** The records at offsets [from, to), in log order. */
    static List<ConsumerRecord<String, byte[]>> read(String bootstrap, long from, long to) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            c.assign(List.of(PARTITION));
            c.seek(PARTITION, from);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (c.position(PARTITION) < to && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.offset() < to) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** The records in the spool's segment files, oldest first (the valid prefix of each, as recovery would keep). */
    static List<SpoolRecord> spooled(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".spool")).sorted().toList();
        }
        List<SpoolRecord> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.addAll(SpoolFormat.scan(Files.readAllBytes(f)).records());
            } catch (java.nio.file.NoSuchFileException removedMeanwhile) {
                // The replayer deleted it between the listing and the read: its records are on the topic.
            }
        }
        return out;
    }
}
