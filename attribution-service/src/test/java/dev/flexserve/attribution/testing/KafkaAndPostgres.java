package dev.flexserve.attribution.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Kafka broker (one KRaft node) and a real PostgreSQL 17 server (embedded binaries), started once for the
 * whole suite on random ports. PostgreSQL can be stopped and started again on the same port and data directory,
 * so a test can take the database away under a running service.
 */
public class KafkaAndPostgres implements QuarkusTestResourceLifecycleManager {
    public static final String TOPIC = "flexserve.attribution.v1";
    public static final String DEAD_LETTER_TOPIC = "flexserve.attribution.v1.dlq";
    public static final String GROUP = "attribution-service";

    private static EmbeddedKafkaBroker broker;
    private static KafkaCompanion companion;
    private static Path pgData;
    private static int pgPort;
    private static EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        broker = new EmbeddedKafkaBroker().withKafkaPort(0).withControllerPort(0).start();
        String bootstrap = broker.getAdvertisedListeners().replace("PLAINTEXT://", "");
        companion = new KafkaCompanion(bootstrap);
        companion.topics().createAndWait(TOPIC, 2);
        try {
            pgData = Files.createTempDirectory("attribution-test-pg");
            try (ServerSocket s = new ServerSocket(0)) {
                pgPort = s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startPostgres();
        return Map.of("kafka.bootstrap.servers", bootstrap,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + pgPort + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        companion.close();
        broker.close();
        stopPostgres();
    }

    public static KafkaCompanion kafka() {
        return companion;
    }

    public static synchronized void startPostgres() {
        try {
            postgres = EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(pgData).setCleanDataDirectory(false).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized void stopPostgres() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection to the service's database, straight to PostgreSQL, for checking what is stored. */
    public static java.sql.Connection database() throws java.sql.SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }
}
