package dev.flexserve.gateway.operations;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/**
 * Only an operator reads the platform's health and load. In this test no router or attribution-service runs, so an
 * operator's report must say so (unreachable), not fail.
 */
@QuarkusTest
@TestProfile(OperationsAccessTest.NothingRuns.class)
class OperationsAccessTest {
    /** The router and the attribution-service at a port where nothing listens (the discard port). */
    public static class NothingRuns implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flexserve.gateway.router.url", "http://127.0.0.1:9",
                    "flexserve.gateway.attribution.url", "http://127.0.0.1:9");
        }
    }

    @Test
    void anonymousCallersAreUnauthorized() {
        given().get("/v1/operations/health").then().statusCode(401);
        given().get("/v1/operations/metrics").then().statusCode(401);
        given().get("/v1/operations/experts").then().statusCode(401);
    }

    @Test
    @TestSecurity(user = "acme-consumer", roles = "consumer")
    @OidcSecurity(claims = @Claim(key = "organization", value = "acme"))
    void consumersAreForbidden() {
        given().get("/v1/operations/health").then().statusCode(403).body("error.code", equalTo("insufficient_role"));
        given().get("/v1/operations/metrics").then().statusCode(403);
        given().get("/v1/operations/experts").then().statusCode(403);
    }

    @Test
    @TestSecurity(user = "demo-code-owner-owner", roles = "owner")
    @OidcSecurity(claims = @Claim(key = "organization", value = "demo-code-owner"))
    void ownersSeeOnlyTheirExpertServicesNotThePlatform() {
        given().get("/v1/operations/health").then().statusCode(403);
        given().get("/v1/operations/metrics").then().statusCode(403);
        // The router is unreachable here, so there is no list of the owner's experts to probe.
        given().get("/v1/operations/experts").then().statusCode(200).body("object", is("list")).body("data", hasSize(0));
    }

    @Test
    @TestSecurity(user = "flexserve-operator", roles = "operator")
    @OidcSecurity(claims = @Claim(key = "organization", value = "flexserve"))
    void operatorsSeeEveryServiceAndUnreachableOnesAsSuch() {
        given().get("/v1/operations/health").then().statusCode(200)
                .body("object", is("list"))
                .body("data.name", hasItems("gateway", "router-service", "attribution-service"))
                .body("data.find { it.name == 'gateway' }.status", is("up"))
                .body("data.find { it.name == 'router-service' }.status", is("unreachable"));
        given().get("/v1/operations/metrics").then().statusCode(200)
                .body("router_reachable", is(false));
    }

    @Test
    void theConsoleConfigurationIsOpenAndNamesTheRealmAndThePublicClient() {
        given().get("/console/config.json").then().statusCode(200)
                .body("issuer", is("http://127.0.0.1:8180/realms/flexserve"))
                .body("client_id", is("flexserve-console"));
    }
}
