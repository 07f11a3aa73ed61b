package dev.flexserve.router.provisioning;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.model.packages.PackageSignatures;
import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.TestDatabase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.security.KeyPair;
import java.util.Map;

import static dev.flexserve.router.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A router in mode {@code kubernetes}: a verified upload becomes an {@code Expert} resource (which the operator
 * reconciles), and a revoke marks it revoked. The Kubernetes API is fabric8's mock server in CRUD mode.
 */
@QuarkusTest
@TestProfile(KubernetesProvisioningTest.KubernetesMode.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
class KubernetesProvisioningTest {
    static final String BASE = "http://router-service.flexserve.svc:8081";

    public static class KubernetesMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flexserve.router.provisioning.mode", "kubernetes",
                    "flexserve.router.provisioning.package-base-url", BASE,
                    "flexserve.router.provisioning.kubernetes.replicas-min", "0",
                    // Its own store: UploadTest asserts that the shared one stays empty.
                    "flexserve.router.store.directory", "target/package-store-kubernetes");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void anUploadBecomesAnExpertResourceAndARevokeMarksItRevoked() throws Exception {
        KeyPair owners = UploadTest.ed25519();
        UploadTest.work = Files.createTempDirectory("uploads");
        given().contentType("application/json").body("{\"public_key\": " + new ObjectMapper().writeValueAsString(
                        PackageSignatures.pem("PUBLIC KEY", owners.getPublic().getEncoded())) + "}")
                .put("/admin/signing-keys/" + UploadTest.OWNER).then().statusCode(200);

        String hash = UploadTest.upload(UploadTest.OWNER, "owner",
                        UploadTest.zip(UploadTest.signed(UploadTest.copy("expert-1"), owners)))
                .statusCode(202).body("status", equalTo("provisioning"))
                .extract().path("package_hash");
        String id = "expert-1";

        GenericKubernetesResource expert = client.genericKubernetesResources(ExpertResources.EXPERTS)
                .inNamespace(client.getNamespace()).withName(id).get();
        assertThat(expert).as("Expert resource written on upload").isNotNull();
        Map<String, Object> spec = map(expert.getAdditionalProperties().get("spec"));
        assertThat(spec).containsEntry("owner", UploadTest.OWNER).containsEntry("state", "active");
        assertThat(map(spec.get("package"))).containsEntry("hash", hash)
                .containsEntry("url", BASE + "/internal/v1/packages/" + hash);
        assertThat(map(spec.get("replicas"))).containsEntry("min", 0);

        given().post("/admin/experts/" + id + "/revoke").then().statusCode(200);

        expert = client.genericKubernetesResources(ExpertResources.EXPERTS).inNamespace(client.getNamespace())
                .withName(id).get();
        assertThat(map(expert.getAdditionalProperties().get("spec"))).containsEntry("state", "revoked");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
