package dev.flexserve.operator;

import dev.flexserve.operator.crd.Expert;
import dev.flexserve.operator.crd.ExpertPhase;
import dev.flexserve.operator.crd.ExpertSpec;
import dev.flexserve.operator.crd.ExpertState;
import dev.flexserve.operator.crd.PackageSource;
import dev.flexserve.operator.crd.Replicas;
import dev.flexserve.operator.workload.RouterStandIn;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator as it runs: the Operator SDK's controller, started by Quarkus, watching Experts on the Kubernetes mock
 * API server (CRUD mode) and calling the router stand-in. Only the wiring is tested here; the decisions are
 * {@code ExpertWorkloadsTest}'s.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(RouterStandInResource.class)
class ExpertOperatorTest {
    @Inject
    KubernetesClient client;

    private void createExpert(String ns, String name) {
        String hash = "c".repeat(64);
        ExpertSpec spec = new ExpertSpec();
        spec.setPackageSource(new PackageSource(hash, "http://router-service:8081/internal/v1/packages/" + hash));
        spec.setOwner("acme");
        spec.setState(ExpertState.ACTIVE);
        spec.setReplicas(new Replicas(1, 2));
        Expert expert = new Expert();
        expert.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        expert.setSpec(spec);
        client.resource(expert).create();
    }

    @Test
    void aDeletedExpertIsRevokedAtTheRouterAndItsWorkloadRemovedBeforeItGoes() {
        String ns = client.getNamespace();
        createExpert(ns, "deleted");
        var deployment = client.apps().deployments().inNamespace(ns).withName("expert-deleted");
        await().atMost(Duration.ofSeconds(30)).until(() -> deployment.get() != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(Expert.class).inNamespace(ns)
                .withName("deleted").get().getMetadata().getFinalizers().size() == 1);

        client.resources(Expert.class).inNamespace(ns).withName("deleted").delete();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.resources(Expert.class).inNamespace(ns).withName("deleted").get() == null);
        assertThat(deployment.get()).isNull();
        assertThat(client.services().inNamespace(ns).withName("expert-deleted").get()).isNull();
        assertThat(RouterStandInResource.router.calls())
                .anySatisfy(call -> {
                    assertThat(call.action()).isEqualTo("revoke");
                    assertThat(call.expert()).isEqualTo("deleted");
                });
    }

    @Test
    void anExpertIsReconciledRegisteredAndRevokedByTheRunningOperator() {
        String ns = client.getNamespace();
        createExpert(ns, "wired");

        var deployment = client.apps().deployments().inNamespace(ns).withName("expert-wired");
        await().atMost(Duration.ofSeconds(30)).until(() -> deployment.get() != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> phase(ns) == ExpertPhase.PENDING);

        Deployment d = deployment.get();
        d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
        client.resource(d).updateStatus();
        await().atMost(Duration.ofSeconds(30)).until(() -> phase(ns) == ExpertPhase.ACTIVE);
        assertThat(RouterStandInResource.router.calls()).filteredOn(call -> call.expert().equals("wired"))
                .singleElement().satisfies(call -> {
            assertThat(call.action()).isEqualTo("ready");
            assertThat(call.authorization()).isEqualTo("Bearer operator-test-secret");
            assertThat(call.body()).contains("expert-wired." + ns + ".svc:8090");
        });

        client.resources(Expert.class).inNamespace(ns).withName("wired").edit(e -> {
            e.getSpec().setState(ExpertState.REVOKED);
            return e;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> phase(ns) == ExpertPhase.REVOKED);
        assertThat(deployment.get()).isNull();
        assertThat(RouterStandInResource.router.calls()).filteredOn(call -> call.expert().equals("wired"))
                .extracting(RouterStandIn.Call::action).containsExactly("ready", "revoke");
    }

    private ExpertPhase phase(String ns) {
        Expert e = client.resources(Expert.class).inNamespace(ns).withName("wired").get();
        return e == null || e.getStatus() == null ? null : e.getStatus().getPhase();
    }
}
