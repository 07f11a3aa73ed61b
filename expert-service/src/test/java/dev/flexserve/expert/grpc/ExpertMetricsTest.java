package dev.flexserve.expert.grpc;

import static dev.flexserve.expert.grpc.ExpertGrpcTest.EXPERT;
import static dev.flexserve.expert.grpc.ExpertGrpcTest.WIDTH;
import static dev.flexserve.expert.testing.ExpertClient.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flexserve.expert.testing.DemoPackagesResource;
import dev.flexserve.expert.testing.ExpertClient;
import dev.flexserve.expert.v1.SetActiveRequest;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus series of DESIGN.md §6 move with the calls that were made. */
@QuarkusTest
@WithTestResource(DemoPackagesResource.class)
class ExpertMetricsTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void countersTimerAndGaugeFollowTheCalls() throws Exception {
        String before = scrape();
        try (ExpertClient client = new ExpertClient(base.getPort())) {
            client.stub().forward(request(EXPERT, 0, 3, WIDTH, new float[3 * WIDTH]));
            client.stub().forward(request(EXPERT, 1, 2, WIDTH, new float[2 * WIDTH]));
            assertThatThrownBy(() -> client.stub().forward(request(EXPERT, 9, 1, WIDTH, new float[WIDTH])))
                    .isInstanceOf(StatusRuntimeException.class);
            client.stub().setActive(SetActiveRequest.newBuilder().setActive(false).build());
            try {
                assertThatThrownBy(() -> client.stub().forward(request(EXPERT, 0, 1, WIDTH, new float[WIDTH])))
                        .isInstanceOf(StatusRuntimeException.class);
                assertThat(value(scrape(), "flexserve_expert_active", "expert=\"" + EXPERT + "\"")).isEqualTo(0.0);
            } finally {
                client.stub().setActive(SetActiveRequest.newBuilder().setActive(true).build());
            }
        }
        String after = scrape();
        assertThat(delta(before, after, "flexserve_expert_requests_total", "outcome=\"ok\"")).isEqualTo(2.0);
        assertThat(delta(before, after, "flexserve_expert_requests_total", "outcome=\"invalid\"")).isEqualTo(1.0);
        assertThat(delta(before, after, "flexserve_expert_requests_total", "outcome=\"refused_inactive\"")).isEqualTo(1.0);
        assertThat(delta(before, after, "flexserve_expert_requests_total", "outcome=\"error\"")).isEqualTo(0.0);
        assertThat(after).contains("owner=\"demo-org-1\"");
        assertThat(delta(before, after, "flexserve_expert_rows_total", "expert=\"" + EXPERT + "\"")).isEqualTo(5.0);
        assertThat(delta(before, after, "flexserve_expert_inference_seconds_count", "expert=\"" + EXPERT + "\"")).isEqualTo(2.0);
        assertThat(after).contains("flexserve_expert_inference_seconds_bucket{expert=\"" + EXPERT + "\",le=\"0.001\"}");
        assertThat(value(after, "flexserve_expert_active", "expert=\"" + EXPERT + "\"")).isEqualTo(1.0);
    }

    static String scrape() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    static double delta(String before, String after, String name, String label) {
        return value(after, name, label) - value(before, name, label);
    }

    /** The value of the one series of {@code name} whose labels contain {@code label} (0 if absent). */
    static double value(String scrape, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        Double found = null;
        while (m.find()) {
            if (m.group(1).contains(label)) {
                assertThat(found).as("one series of %s with %s", name, label).isNull();
                found = Double.parseDouble(m.group(2));
            }
        }
        return found == null ? 0.0 : found;
    }
}
