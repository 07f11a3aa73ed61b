package dev.flexserve.router.provisioning;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ExpertResources} against fabric8's Kubernetes mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class ExpertResourcesTest {
    private static final String NS = "flexserve";
    private static final String HASH = "0123456789abcdef".repeat(4);

    KubernetesClient client;

    private static ProvisioningSettings.Kubernetes defaults(int min, int max, int gpus) {
        return new ProvisioningSettings.Kubernetes() {
            @Override
            public Optional<String> namespace() {
                return Optional.of(NS);
            }

            @Override
            public int replicasMin() {
                return min;
            }

            @Override
            public int replicasMax() {
                return max;
            }

            @Override
            public String cpuRequest() {
                return "250m";
            }

            @Override
            public String memoryRequest() {
                return "1Gi";
            }

            @Override
            public String memoryLimit() {
                return "3Gi";
            }

            @Override
            public int gpus() {
                return gpus;
            }
        };
    }

    private ExpertResources experts(int gpus) {
        return new ExpertResources(client, NS, "http://router-service.flexserve.svc:8081/", defaults(0, 4, gpus));
    }

    private GenericKubernetesResource stored(String id) {
        return client.genericKubernetesResources(ExpertResources.EXPERTS).inNamespace(NS).withName(id).get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void anUploadedExpertBecomesAnActiveExpertResourceNamedByItsId() {
        experts(0).create("acme-law", "acme", HASH);

        GenericKubernetesResource e = stored("acme-law");
        assertThat(e.getApiVersion()).isEqualTo("flexserve.dev/v1alpha1");
        assertThat(e.getKind()).isEqualTo("Expert");
        Map<String, Object> spec = map(e.getAdditionalProperties().get("spec"));
        assertThat(spec).containsEntry("owner", "acme").containsEntry("state", "active");
        assertThat(map(spec.get("package"))).containsEntry("hash", HASH)
                .containsEntry("url", "http://router-service.flexserve.svc:8081/internal/v1/packages/" + HASH);
        assertThat(map(spec.get("replicas"))).containsEntry("min", 0).containsEntry("max", 4);
        Map<String, Object> resources = map(spec.get("resources"));
        assertThat(map(resources.get("requests"))).containsEntry("cpu", "250m").containsEntry("memory", "1Gi");
        assertThat(map(resources.get("limits"))).containsEntry("memory", "3Gi").doesNotContainKey("nvidia.com/gpu");
        assertThat(spec).doesNotContainKeys("nodeSelector", "tolerations");
    }

    @Test
    void gpuExpertsAskForGpusAndGpuNodes() {
        experts(1).create("acme-code", "acme", HASH);

        Map<String, Object> spec = map(stored("acme-code").getAdditionalProperties().get("spec"));
        assertThat(map(map(spec.get("resources")).get("limits"))).containsEntry("nvidia.com/gpu", 1);
        assertThat(map(spec.get("nodeSelector"))).containsEntry("nvidia.com/gpu.present", "true");
        assertThat((List<?>) spec.get("tolerations")).singleElement()
                .satisfies(t -> assertThat(map(t)).containsEntry("key", "nvidia.com/gpu"));
    }

    @Test
    void removeMarksTheResourceRevokedAndARevokedOneIsNeverReactivated() {
        ExpertResources experts = experts(0);
        experts.create("acme-law", "acme", HASH);

        experts.revoke("acme-law");

        assertThat(map(stored("acme-law").getAdditionalProperties().get("spec"))).containsEntry("state", "revoked");
        assertThatThrownBy(() -> experts.create("acme-law", "acme", HASH)).isInstanceOf(ExpertResourceException.class)
                .hasMessageContaining("revoked");
        assertThat(map(stored("acme-law").getAdditionalProperties().get("spec"))).containsEntry("state", "revoked");
        experts.revoke("nobody"); // nothing to revoke: no error, nothing created
        assertThat(stored("nobody")).isNull();
    }

    @Test
    void writingTheSameExpertAgainKeepsOneResource() {
        ExpertResources experts = experts(0);
        experts.create("acme-law", "acme", HASH);
        experts.create("acme-law", "acme", HASH);

        assertThat(client.genericKubernetesResources(ExpertResources.EXPERTS).inNamespace(NS).list().getItems())
                .hasSize(1);
    }

    @Test
    void idsThatCannotNameKubernetesObjectsAreRefusedAndNothingIsWritten() {
        ExpertResources experts = experts(0);
        for (String id : List.of("acme.law", "acme_law", "a".repeat(57), "-acme")) {
            assertThatThrownBy(() -> experts.create(id, "acme", HASH)).as(id)
                    .isInstanceOf(ExpertResourceException.class);
        }
        assertThat(client.genericKubernetesResources(ExpertResources.EXPERTS).inNamespace(NS).list().getItems())
                .isEmpty();
    }
}
