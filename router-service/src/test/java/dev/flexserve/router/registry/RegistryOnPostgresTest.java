package dev.flexserve.router.registry;

import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.access.ExpertStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.flexserve.router.Internal.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The registry on a real PostgreSQL server (embedded binaries, no Docker), as in production: the schema is created
 * there, records written through Panache are what the admin API reads, and a refused registration writes nothing.
 */
@QuarkusTest
@TestProfile(RegistryOnPostgresTest.OnPostgres.class)
class RegistryOnPostgresTest {

    public static class OnPostgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.db-kind", "postgresql");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Postgres.class), new TestResourceEntry(DemoModelsResource.class));
        }
    }

    public static class Postgres implements QuarkusTestResourceLifecycleManager {
        static EmbeddedPostgres server;

        @Override
        public Map<String, String> start() {
            try {
                server = EmbeddedPostgres.builder().setPort(0).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.datasource.jdbc.url", server.getJdbcUrl("postgres", "postgres"),
                    "quarkus.datasource.username", "postgres", "quarkus.datasource.password", "postgres");
        }

        @Override
        public void stop() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void recordsLiveInPostgresAndTheApiReadsThem() throws SQLException {
        ExpertRecord r = new ExpertRecord();
        r.id = "hospital-notes";
        r.owner = "hospital";
        r.slot = 1;
        r.packagePath = "/packages/hospital-notes";
        r.packageHash = "ab".repeat(32);
        r.endpoints = "127.0.0.1:9101";
        r.status = ExpertStatus.INACTIVE;
        r.policy = "{\"organizations\":[\"acme\"],\"windows\":[]}";
        r.router = new byte[]{0, 0, (byte) 0x80, 0x3f};
        r.registeredAt = Instant.parse("2026-11-25T00:00:00Z");
        r.updatedAt = r.registeredAt;
        QuarkusTransaction.requiringNew().run(r::persist);

        given().get("/admin/experts/hospital-notes").then().statusCode(200)
                .body("owner", equalTo("hospital"))
                .body("status", equalTo("inactive"))
                .body("policy.organizations", hasItem("acme"));
        assertEquals(1, countRows("hospital-notes"), "the row is in PostgreSQL");
    }

    @Test
    void refusedRegistrationWritesNothing() throws SQLException {
        given().contentType(ContentType.JSON)
                .body("{\"package\": \"" + DemoModelsResource.models().resolve("expert-1") + "\", \"endpoint\": \"127.0.0.1:1\"}")
                .post("/admin/experts").then().statusCode(400).body("error.message", containsString("expert-1"));
        assertEquals(0, countRows("expert-1"));
    }

    private static int countRows(String id) throws SQLException {
        try (Connection c = Postgres.server.getPostgresDatabase().getConnection();
             var s = c.prepareStatement("select count(*) from expert where id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
