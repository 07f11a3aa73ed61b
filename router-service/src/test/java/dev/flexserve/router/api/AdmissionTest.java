package dev.flexserve.router.api;

import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.flexserve.router.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Admission control: one sequence at a time and one waiting; every further request is answered 429 at once. */
@QuarkusTest
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
@TestProfile(AdmissionTest.TinyQueue.class)
class AdmissionTest {
    public static class TinyQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flexserve.router.max-batch", "1", "flexserve.router.max-queue", "1");
        }
    }

    @Test
    void fullQueueAnswers429AndAdmittedRequestsComplete() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                        .body("{\"prompt\": \"Hello\", \"max_tokens\": 400, \"temperature\": 0.8, \"seed\": 1}")
                        .post("/internal/v1/generate"), pool));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Response> c : calls) {
                Response r = c.get();
                statuses.add(r.statusCode());
                if (r.statusCode() == 429) {
                    assertThat(r.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
                    assertThat(r.jsonPath().getString("error.message")).contains("at capacity");
                } else {
                    assertThat(r.statusCode()).isEqualTo(200);
                }
            }
            assertThat(statuses).contains(429);
            assertThat(statuses).contains(200);
        } finally {
            pool.shutdownNow();
        }
    }
}
