package dev.flexserve.expert.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import dev.flexserve.expert.testing.DemoPackagesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(DemoPackagesResource.class)
class ExpertHealthTest {

    @Test
    void readinessReportsTheLoadedActiveExpert() {
        given().when().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItem(ExpertReadinessCheck.NAME))
                .body("checks.find { it.name == '" + ExpertReadinessCheck.NAME + "' }.data.role",
                        is(ExpertReadinessCheck.ROLE))
                .body("checks.find { it.name == '" + ExpertReadinessCheck.NAME + "' }.data.expert",
                        is(DemoPackagesResource.EXPERT))
                .body("checks.find { it.name == '" + ExpertReadinessCheck.NAME + "' }.data.active", is(true));
    }

    @Test
    void livenessAndStartupAreUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void prometheusMetricsAreServed() {
        given().when().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("flexserve_expert_active{expert=\"" + DemoPackagesResource.EXPERT + "\"} 1.0"));
    }
}
