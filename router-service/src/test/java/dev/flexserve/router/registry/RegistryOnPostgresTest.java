package dev.flexserve.router.registry;

import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.TestDatabase;
import dev.flexserve.router.access.ExpertStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import static dev.flexserve.router.Internal.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The registry on a real PostgreSQL server (embedded binaries, no Docker), as in production: Flyway creates the
 * schema there, records written through Panache are what the admin API reads, and a refused registration writes
 * nothing.
 */
@QuarkusTest
class RegistryOnPostgresTest {

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

    @AfterEach
    void removeIt() {
        QuarkusTransaction.requiringNew().run(() -> ExpertRecord.deleteById("hospital-notes"));
    }

    @Test
    void refusedRegistrationWritesNothing() throws SQLException {
        given().contentType(ContentType.JSON)
                .body("{\"package\": \"" + DemoModelsResource.models().resolve("expert-1") + "\", \"endpoint\": \"127.0.0.1:1\"}")
                .post("/admin/experts").then().statusCode(400).body("error.message", containsString("expert-1"));
        assertEquals(0, countRows("expert-1"));
    }

    private static int countRows(String id) throws SQLException {
        try (Connection c = TestDatabase.server().getDatabase("postgres", TestDatabase.current()).getConnection();
             var s = c.prepareStatement("select count(*) from expert where id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
