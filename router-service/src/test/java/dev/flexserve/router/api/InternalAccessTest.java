package dev.flexserve.router.api;

import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.TestDatabase;
import dev.flexserve.router.access.ExpertStatus;
import dev.flexserve.router.registry.ExpertRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static dev.flexserve.router.Internal.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * The router's API is internal: without the platform's credential every endpoint answers 401 and changes nothing;
 * with it, the identity headers the gateway forwards scope the admin API to the experts a caller manages.
 */
@QuarkusTest
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
class InternalAccessTest {
    static final List<String[]> ENDPOINTS = List.of(
            new String[]{"POST", "/internal/v1/generate"}, new String[]{"POST", "/internal/v1/generate/stream"},
            new String[]{"POST", "/internal/v1/generate/logits"}, new String[]{"GET", "/internal/v1/model"},
            new String[]{"GET", "/admin/experts"}, new String[]{"POST", "/admin/experts"},
            new String[]{"GET", "/admin/experts/acme-notes"}, new String[]{"PUT", "/admin/experts/acme-notes/policy"},
            new String[]{"POST", "/admin/experts/acme-notes/activate"}, new String[]{"POST", "/admin/experts/acme-notes/deactivate"},
            new String[]{"POST", "/admin/experts/acme-notes/revoke"}, new String[]{"GET", "/no/such/path"});

    @BeforeAll
    static void twoOwnersExperts() {
        QuarkusTransaction.requiringNew().run(() -> {
            if (ExpertRecord.findById("acme-notes") == null) {
                persist("acme-notes", "acme", 1001);
                persist("globex-notes", "globex", 1002);
            }
        });
    }

    /** Restores an empty registry: these rows have no engine slot, which a restarted application would refuse. */
    @AfterAll
    static void removeThem() {
        QuarkusTransaction.requiringNew().run(() -> ExpertRecord.delete("id in ?1", List.of("acme-notes", "globex-notes")));
    }

    private static void persist(String id, String owner, int slot) {
        ExpertRecord r = new ExpertRecord();
        r.id = id;
        r.owner = owner;
        r.slot = slot;
        r.packagePath = "/packages/" + id;
        r.packageHash = "cd".repeat(32);
        r.endpoints = "127.0.0.1:1";
        r.status = ExpertStatus.ACTIVE;
        r.policy = "{\"organizations\":[\"*\"],\"windows\":[]}";
        r.router = new byte[]{0, 0, (byte) 0x80, 0x3f};
        r.registeredAt = Instant.parse("2026-12-01T00:00:00Z");
        r.updatedAt = r.registeredAt;
        r.persist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer wrong-secret-wrong-secret-wrong-secret", "Bearer router-test-internal-secret-012345678",
            "Basic cm91dGVyLXRlc3QtaW50ZXJuYWwtc2VjcmV0LTAxMjM0NTY3ODk="})
    void everyEndpointRefusesCallersWithoutTheCredential(String authorization) {
        for (String[] e : ENDPOINTS) {
            RequestSpecification r = RestAssured.given().contentType(ContentType.JSON).body("{\"prompt\": \"x\"}");
            if (!authorization.isEmpty()) {
                r = r.header("Authorization", authorization);
            }
            r.request(e[0], e[1]).then().statusCode(401)
                    .body("error.type", equalTo("authentication_error"))
                    .body("error.code", equalTo("internal_credential_required"));
        }
        // Nothing changed: both experts are still there, active.
        given().get("/admin/experts/acme-notes").then().statusCode(200).body("status", equalTo("active"));
        given().get("/admin/experts/globex-notes").then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    void healthAndMetricsStayOpenForProbes() {
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
        RestAssured.given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void anOwnerSeesOnlyItsOwnOrganizationsExperts() {
        asCaller("acme", "owner").get("/admin/experts").then().statusCode(200)
                .body("object", equalTo("list")).body("data.id", contains("acme-notes"));
        asCaller("acme", "owner").get("/admin/experts/acme-notes").then().statusCode(200).body("owner", equalTo("acme"));
        asCaller("acme", "owner").get("/admin/experts/globex-notes").then().statusCode(404)
                .body("error.message", equalTo("unknown expert 'globex-notes'"));
    }

    @Test
    void anotherOwnersExpertCannotBeChangedAndAnswersLikeAnUnknownOne() {
        asCaller("acme", "owner").contentType(ContentType.JSON).body("{\"organizations\": [\"acme\"]}")
                .put("/admin/experts/globex-notes/policy").then().statusCode(404);
        for (String action : List.of("activate", "deactivate", "revoke")) {
            asCaller("acme", "owner").post("/admin/experts/globex-notes/" + action).then().statusCode(404)
                    .body("error.message", equalTo("unknown expert 'globex-notes'"));
        }
        given().get("/admin/experts/globex-notes").then().statusCode(200)
                .body("status", equalTo("active")).body("policy.organizations", contains("*"));
    }

    @Test
    void aConsumerManagesNothingAndAnOperatorEverything() {
        asCaller("acme", "consumer").get("/admin/experts").then().statusCode(200).body("data", empty());
        asCaller("acme", "consumer").get("/admin/experts/acme-notes").then().statusCode(404);
        asCaller("flexserve", "operator").get("/admin/experts").then().statusCode(200)
                .body("data.id", contains("acme-notes", "globex-notes"));
    }

    @Test
    void onlyThePlatformOrAnOperatorRegisters() {
        asCaller("acme", "owner").contentType(ContentType.JSON)
                .body("{\"package\": \"" + DemoModelsResource.models().resolve("expert-1") + "\", \"endpoint\": \"127.0.0.1:1\"}")
                .post("/admin/experts").then().statusCode(403).body("error.type", equalTo("permission_error"));
    }

    private static RequestSpecification asCaller(String organization, String roles) {
        return given().header("X-FlexServe-Subject", "subject-of-" + organization)
                .header("X-FlexServe-Organization", organization).header("X-FlexServe-Roles", roles);
    }
}
