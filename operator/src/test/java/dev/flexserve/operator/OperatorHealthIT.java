package dev.flexserve.operator;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * The packaged operator (the native executable under {@code -Dnative}) starts, watches Experts on the mock API
 * server and reports itself live and ready.
 */
@QuarkusIntegrationTest
@WithKubernetesTestServer(crud = true)
class OperatorHealthIT {
    @Test
    void theOperatorIsLiveAndReady() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
