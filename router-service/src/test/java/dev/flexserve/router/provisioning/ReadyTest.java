package dev.flexserve.router.provisioning;

import dev.flexserve.model.packages.Manifest;
import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.StoredPackage;
import dev.flexserve.router.TestDatabase;
import dev.flexserve.router.api.CallerHeaders;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.flexserve.router.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code POST /admin/experts/{id}/ready}, how a provisioner outside the router (the Kubernetes operator) reports a
 * workload ready: only the platform may, only for an upload it knows, never for a revoked one, and an endpoint that
 * does not serve the package is refused with the deployment left as it was. (The operator's side, against a
 * stand-in router, is tested in the operator module; an upload served end to end in platform-tests.)
 */
@QuarkusTest
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
class ReadyTest {
    @Inject
    Deployments deployments;

    final List<StoredPackage> stored = new ArrayList<>();

    @AfterEach
    void unstore() throws IOException {
        for (StoredPackage s : stored) {
            s.close();
        }
    }

    @Test
    void onlyThePlatformReportsAWorkloadReady() throws IOException {
        String id = record("expert-1");
        given().header(CallerHeaders.SUBJECT, "an-owner").header(CallerHeaders.ORGANIZATION, "demo-org-1")
                .header(CallerHeaders.ROLES, "owner,operator").contentType("application/json").body("{\"endpoint\": \"127.0.0.1:1\"}")
                .post("/admin/experts/" + id + "/ready").then().statusCode(403);
        assertThat(deployments.find(id).state).isEqualTo(DeploymentState.PROVISIONING);
        assertThat(deployments.find(id).endpoint).isNull();
    }

    @Test
    void anUnknownUploadIs404AndAMissingEndpoint400() {
        given().contentType("application/json").body("{\"endpoint\": \"127.0.0.1:1\"}")
                .post("/admin/experts/never-uploaded/ready").then().statusCode(404);
        given().contentType("application/json").body("{}")
                .post("/admin/experts/never-uploaded/ready").then().statusCode(400).body("error.param", equalTo("endpoint"));
    }

    @Test
    void anEndpointThatDoesNotServeThePackageIsRefusedAndChangesNothing() throws IOException {
        String id = record("expert-2");
        given().contentType("application/json").body("{\"endpoint\": \"127.0.0.1:1\"}")
                .post("/admin/experts/" + id + "/ready").then().statusCode(400).body("error.param", equalTo("endpoint"));
        assertThat(deployments.find(id).state).isEqualTo(DeploymentState.PROVISIONING);
        given().get("/admin/experts/" + id).then().statusCode(200).body("status", equalTo("provisioning"));
    }

    @Test
    void aRevokedUploadIsNeverTakenBack() throws IOException {
        String id = record("expert-3");
        deployments.update(id, r -> r.state = DeploymentState.REMOVED);
        given().contentType("application/json").body("{\"endpoint\": \"127.0.0.1:1\"}")
                .post("/admin/experts/" + id + "/ready").then().statusCode(409).body("error.message", containsString("revoked"));
        assertThat(deployments.find(id).state).isEqualTo(DeploymentState.REMOVED);
    }

    /** A deployment as an upload of a demo expert leaves it before its workload is ready. */
    private String record(String expert) throws IOException {
        StoredPackage pkg = StoredPackage.of(expert);
        stored.add(pkg);
        assertThat(deployments.create(expert, owner(expert), pkg.hash())).isTrue();
        return expert;
    }

    private static String owner(String expert) {
        return Manifest.read(DemoModelsResource.models().resolve(expert)).owner();
    }
}
