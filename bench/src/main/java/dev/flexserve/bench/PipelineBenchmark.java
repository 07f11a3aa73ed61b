package dev.flexserve.bench;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import dev.flexserve.attribution.event.ExpertContribution;
import dev.flexserve.attribution.event.FinishReason;
import dev.flexserve.attribution.event.Usage;
import dev.flexserve.cli.up.KafkaBroker;
import dev.flexserve.cli.up.PostgresServer;
import dev.flexserve.process.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The attribution pipeline under load: events produced as the router's hand-off produces them (its Kafka producer
 * settings: {@code acks=all}, idempotent; the event's CloudEvents bytes, keyed by request id) to a KRaft broker, consumed
 * by the attribution-service (its packaged jar, as its own process) into PostgreSQL (embedded binaries), each a
 * process started by the launchers of {@code flexserve up}. Measures
 * <ul>
 * <li>sustained throughput: events per second from the first send until the last row is committed, with the
 * producer sending as fast as the broker acknowledges;</li>
 * <li>end-to-end lag at steady offered rates below that: the event's time (stamped when it is sent) to its row's
 * {@code stored_at} (written inside the storing transaction), p50 and p99;</li>
 * <li>the hand-off's Kafka path: send to acknowledgement (what a response waits for when Kafka is up), p50 and p99.</li>
 * </ul>
 *
 * <pre>java -cp bench/target/flexserve-bench.jar dev.flexserve.bench.PipelineBenchmark [--home .] [--events 20000] [--rates 50,200] [--seconds 30]</pre>
 */
public final class PipelineBenchmark {
    private static final String TOPIC = "flexserve.attribution.v1";
    private static final String[][] EXPERTS = {{"public", "public"}, {"hospital-notes", "hospital"},
            {"case-law", "lawfirm"}, {"statutes", "lawfirm"}, {"speeches", "archive"}};

    public static void main(String[] args) throws Exception {
        Path home = Path.of(StreamBenchmark.arg(args, "--home", "."));
        int events = Integer.parseInt(StreamBenchmark.arg(args, "--events", "20000"));
        int[] rates = Arrays.stream(StreamBenchmark.arg(args, "--rates", "50,200").split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(StreamBenchmark.arg(args, "--seconds", "30"));
        Path jar = home.resolve("attribution-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it with ./mvnw -pl attribution-service -am package -DskipTests");
        }
        Path work = Files.createTempDirectory("flexserve-pipeline-bench");
        Path logs = work.resolve("logs");
        PostgresServer postgres = new PostgresServer(work.resolve("postgres"), work.resolve("postgres-binaries"), 0,
                List.of("flexserve"), "flexserve", "bench", logs.resolve("postgres.log"));
        KafkaBroker kafka = new KafkaBroker(work.resolve("kafka"), 0, logs.resolve("kafka.log"));
        ServiceProcess service = null;
        try {
            postgres.start();
            kafka.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            int port = freePort();
            service = ServiceProcess.quarkus("attribution-service", jar, List.of("-Xmx512m", "-XX:+UseSerialGC"), List.of(
                    "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "quarkus.datasource.jdbc.url=" + postgres.jdbcUrl("flexserve"),
                    "quarkus.datasource.username=" + postgres.user()),
                    Map.of("QUARKUS_DATASOURCE_PASSWORD", postgres.password(),
                            "FLEXSERVE_INTERNAL_SECRET", UUID.randomUUID() + "-" + UUID.randomUUID()),
                    port, port, logs.resolve("attribution-service.log"));
            service.start();
            service.awaitReady(Duration.ofMinutes(3));

            try (KafkaProducer<String, byte[]> producer = routerLikeProducer(kafka.bootstrapServers());
                 Connection db = DriverManager.getConnection(postgres.jdbcUrl("flexserve"), postgres.user(), postgres.password())) {
                String warmUp = run("warm-up");
                sendAsFastAsAcknowledged(producer, warmUp, 1000);
                awaitStored(db, warmUp, 1000);

                String burst = run("throughput");
                long start = System.nanoTime();
                sendAsFastAsAcknowledged(producer, burst, events);
                double sentSeconds = (System.nanoTime() - start) / 1e9;
                awaitStored(db, burst, events);
                double storedSeconds = (System.nanoTime() - start) / 1e9;

                System.out.printf(Locale.ROOT, "%n## Attribution pipeline, %s, %d cores%n%n", LocalDate.now(),
                        Runtime.getRuntime().availableProcessors());
                System.out.println("| measure | value |");
                System.out.println("|---|---:|");
                System.out.printf(Locale.ROOT, "| sustained throughput, send → committed row (%d events) | %.0f events/s |%n",
                        events, events / storedSeconds);
                System.out.printf(Locale.ROOT, "| of which producing, send → acknowledged by Kafka | %.0f events/s |%n",
                        events / sentSeconds);
                for (int rate : rates) {
                    String steady = run("lag-" + rate);
                    long[] ackNanos = sendAtRate(producer, steady, rate, seconds);
                    awaitStored(db, steady, ackNanos.length);
                    double[] lagMillis = lags(db, steady);
                    Arrays.sort(ackNanos);
                    System.out.printf(Locale.ROOT, "| end-to-end lag (sent → row committed) at %d events/s for %d s, p50 / p99 | %.1f / %.1f ms |%n",
                            rate, seconds, percentile(lagMillis, 0.50), percentile(lagMillis, 0.99));
                    System.out.printf(Locale.ROOT, "| hand-off via Kafka (send → ack) at %d events/s, p50 / p99 | %.2f / %.2f ms |%n",
                            rate, percentile(ackNanos, 0.50) / 1e6, percentile(ackNanos, 0.99) / 1e6);
                }
            }
        } finally {
            if (service != null) {
                service.stop();
            }
            kafka.stop();
            postgres.stop();
        }
    }

    /** The producer settings of the router's channel {@code attribution-events}. */
    private static KafkaProducer<String, byte[]> routerLikeProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A run's events share a source, so its rows can be told from the others'. */
    private static String run(String name) {
        return "urn:flexserve:bench:" + name + ":" + UUID.randomUUID();
    }

    private static ProducerRecord<String, byte[]> record(String source, int i) {
        List<ExpertContribution> experts = new ArrayList<>();
        double[] weights = {0.4, 0.25, 0.15, 0.12, 0.08};
        for (int e = 0; e < EXPERTS.length; e++) {
            experts.add(new ExpertContribution(EXPERTS[e][0], EXPERTS[e][1], "v1", weights[e], 64 - 8 * e, 32 - 4 * e));
        }
        String requestId = "gen-" + UUID.randomUUID();
        AttributionEvent event = new AttributionEvent(UUID.randomUUID().toString(), source, Instant.now(), requestId,
                "org-" + (i % 7), "user-" + (i % 31), "flexolmo", "bench-trunk", experts, Usage.of(32, 64),
                FinishReason.STOP, List.of());
        return new ProducerRecord<>(TOPIC, requestId, AttributionEventCodec.encode(event));
    }

    /** Sends with at most 1024 records unacknowledged: as fast as the broker takes them. */
    private static void sendAsFastAsAcknowledged(KafkaProducer<String, byte[]> producer, String source, int n) throws Exception {
        Semaphore inFlight = new Semaphore(1024);
        CompletableFuture<Void> failed = new CompletableFuture<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            producer.send(record(source, i), (metadata, error) -> {
                if (error != null) {
                    failed.completeExceptionally(error);
                }
                inFlight.release();
            });
        }
        inFlight.acquire(1024);
        if (failed.isCompletedExceptionally()) {
            failed.get();
        }
    }

    /** Sends {@code rate} events a second for {@code seconds}, each stamped when sent; returns send-to-ack times. */
    private static long[] sendAtRate(KafkaProducer<String, byte[]> producer, String source, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        CompletableFuture<?>[] done = new CompletableFuture<?>[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            CompletableFuture<Void> acked = new CompletableFuture<>();
            done[i] = acked;
            long sent = System.nanoTime();
            producer.send(record(source, i), (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acks.add(System.nanoTime() - sent);
                    acked.complete(null);
                }
            });
        }
        CompletableFuture.allOf(done).get(5, TimeUnit.MINUTES);
        return acks.stream().mapToLong(Long::longValue).toArray();
    }

    private static void awaitStored(Connection db, String source, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (count(db, source) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + count(db, source) + " of " + n + " events were stored after 10 minutes");
            }
            Thread.sleep(50);
        }
    }

    private static int count(Connection db, String source) throws Exception {
        try (PreparedStatement s = db.prepareStatement("select count(*) from attribution_response where source = ?")) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static double[] lags(Connection db, String source) throws Exception {
        List<Double> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(
                "select extract(epoch from (stored_at - event_time)) * 1000 from attribution_response where source = ?")) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getDouble(1));
                }
            }
        }
        double[] lags = out.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(lags);
        return lags;
    }

    private static double percentile(double[] sorted, double q) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
