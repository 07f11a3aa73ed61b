package dev.flexserve.router.api;

import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static dev.flexserve.router.Internal.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Registration refuses what it cannot verify; the registry's success paths run in the platform tests. */
@QuarkusTest
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
class ExpertAdminApiTest {

    @Test
    void missingPackageIsRefused() {
        register("{\"package\": \"/nowhere/expert\", \"endpoint\": \"localhost:1\"}")
                .statusCode(400).body("error.message", containsString("no manifest.json"));
    }

    @Test
    void publicExpertCannotBeRegistered() {
        register("{\"package\": \"" + DemoModelsResource.models().resolve("public") + "\", \"endpoint\": \"localhost:1\"}")
                .statusCode(409).body("error.message", containsString("part of the trunk"));
    }

    @Test
    void packageOfAnotherOwnerIsRefused() {
        register("{\"package\": \"" + DemoModelsResource.models().resolve("expert-1") + "\", \"endpoint\": \"localhost:1\", \"owner\": \"mallory\"}")
                .statusCode(400).body("error.message", containsString("belongs to 'demo-org-1'")).body("error.param", equalTo("owner"));
    }

    @Test
    void unreachableEndpointIsRefusedAndNothingIsRegistered() {
        register("{\"package\": \"" + DemoModelsResource.models().resolve("expert-2") + "\", \"endpoint\": \"127.0.0.1:1\"}")
                .statusCode(400).body("error.message", containsString("expert-2"));
        given().get("/admin/experts/expert-2").then().statusCode(404);
    }

    @Test
    void malformedEndpointIsRefused() {
        register("{\"package\": \"" + DemoModelsResource.models().resolve("expert-3") + "\", \"endpoint\": \"not an endpoint\"}")
                .statusCode(400).body("error.message", containsString("is not host:port"));
    }

    @Test
    void unknownExpertIs404() {
        given().post("/admin/experts/nobody/revoke").then().statusCode(404).body("error.type", containsString("not_found"));
    }

    private static io.restassured.response.ValidatableResponse register(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/admin/experts").then();
    }
}
