package dev.flexserve.cli.up;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker as its own process: records produced to it are there after a clean restart and after a crash. */
class KafkaBrokerTest {
    private static final String TOPIC = "launcher-test";

    @TempDir
    Path dir;

    @Test
    void recordsSurviveARestartAndACrash() throws Exception {
        KafkaBroker first = new KafkaBroker(dir.resolve("kafka"), 0, dir.resolve("kafka.log"));
        try {
            first.start();
            produce(first, "a", "b", "c");
            assertThat(consumeAll(first)).containsExactly("a", "b", "c");
        } finally {
            first.stop();
        }
        assertThat(first.isAlive()).isFalse();

        KafkaBroker second = new KafkaBroker(dir.resolve("kafka"), 0, dir.resolve("kafka.log"));
        try {
            second.start();
            assertThat(consumeAll(second)).as("after a clean restart, on another port").containsExactly("a", "b", "c");
            produce(second, "d");
        } finally {
            second.kill();
        }

        KafkaBroker third = new KafkaBroker(dir.resolve("kafka"), 0, dir.resolve("kafka.log"));
        try {
            third.start();
            assertThat(consumeAll(third)).as("an acknowledged record survives a SIGKILL").containsExactly("a", "b", "c", "d");
        } finally {
            third.stop();
        }
    }

    private static void produce(KafkaBroker broker, String... values) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                p.send(new ProducerRecord<>(TOPIC, v, v)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> consumeAll(KafkaBroker broker) {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new StringDeserializer())) {
            c.assign(List.of(partition));
            c.seekToBeginning(List.of(partition));
            long end = c.endOffsets(List.of(partition), Duration.ofSeconds(60)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (c.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
