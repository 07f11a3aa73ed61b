package dev.flexserve.expert.grpc;

import dev.flexserve.expert.testing.DemoPackagesResource;
import dev.flexserve.expert.testing.ExpertClient;
import dev.flexserve.expert.v1.DescribeRequest;
import dev.flexserve.expert.v1.SetActiveRequest;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Arrays;
import java.util.List;

import static dev.flexserve.expert.grpc.ExpertGrpcTest.assertThatStatus;
import static dev.flexserve.expert.testing.ExpertClient.randomRows;
import static dev.flexserve.expert.testing.ExpertClient.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Only the platform may call an expert-service: gRPC without the internal credential is UNAUTHENTICATED and the
 * HTTP admin API answers 401, and neither changes anything (the expert stays active, no Forward is computed).
 */
@QuarkusTest
@WithTestResource(DemoPackagesResource.class)
class InternalAccessTest {
    static final String EXPERT = DemoPackagesResource.EXPERT;
    static final int WIDTH = 64;
    static final List<String> WRONG = Arrays.asList(null, "", "Bearer not-the-secret-not-the-secret-not-the-secret",
            "Bearer " + ExpertClient.SECRET.substring(1), ExpertClient.SECRET);

    @TestHTTPResource("/")
    URL base;

    @Test
    void grpcCallsWithoutTheCredentialAreRefusedAndChangeNothing() throws Exception {
        int port = base.getPort();
        try (ExpertClient platform = new ExpertClient(port)) {
            long callsBefore = platform.stub().describe(DescribeRequest.getDefaultInstance()).getForwardCalls();
            for (String authorization : WRONG) {
                try (ExpertClient stranger = new ExpertClient(port, authorization)) {
                    assertThatStatus(() -> stranger.stub().forward(request(EXPERT, 0, 1, WIDTH, randomRows(1, 1, WIDTH))),
                            Status.Code.UNAUTHENTICATED, "internal credential");
                    assertThatStatus(() -> stranger.stub().setActive(SetActiveRequest.newBuilder().setActive(false).build()),
                            Status.Code.UNAUTHENTICATED, "internal credential");
                    assertThatStatus(() -> stranger.stub().describe(DescribeRequest.getDefaultInstance()),
                            Status.Code.UNAUTHENTICATED, "internal credential");
                }
            }
            var after = platform.stub().describe(DescribeRequest.getDefaultInstance());
            assertThat(after.getActive()).isTrue();
            assertThat(after.getForwardCalls()).isEqualTo(callsBefore);
        }
    }

    @Test
    void httpAdminWithoutTheCredentialIsRefusedAndChangesNothing() {
        for (String authorization : WRONG) {
            var r = RestAssured.given();
            if (authorization != null) {
                r = r.header("Authorization", authorization);
            }
            r.post("/admin/deactivate").then().statusCode(401).body("error.type", is("authentication_error"));
        }
        RestAssured.given().get("/admin/expert").then().statusCode(401);
        RestAssured.given().header("Authorization", ExpertClient.CREDENTIAL).get("/admin/expert").then().statusCode(200)
                .body("active", is(true));
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }
}
