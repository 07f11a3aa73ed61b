package dev.flexserve.operator.workload;

import dev.flexserve.operator.crd.Expert;
import dev.flexserve.operator.crd.ExpertPhase;
import dev.flexserve.operator.crd.ExpertSpec;
import dev.flexserve.operator.crd.ExpertState;
import dev.flexserve.operator.crd.ExpertStatus;
import dev.flexserve.operator.crd.PackageSource;
import dev.flexserve.operator.crd.Replicas;
import dev.flexserve.operator.router.HttpRouterAdmin;
import dev.flexserve.operator.router.RouterCallFailedException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ExpertWorkloads} against fabric8's Kubernetes mock API server in CRUD mode (objects are stored and read
 * back as a real API server would), with a real HTTP server standing in for the router's admin API.
 */
@EnableKubernetesMockClient(crud = true)
class ExpertWorkloadsTest {
    private static final String NS = "flexserve";
    private static final String ID = "acme-law";
    private static final String WORKLOAD = "expert-acme-law";
    private static final String HASH = "a".repeat(64);
    private static final String URL = "http://router-service:8081/internal/v1/packages/" + HASH;
    private static final String SECRET = "platform-secret";
    private static final WorkloadSettings SETTINGS = new WorkloadSettings("registry.example/flexserve/expert-service:1",
            "flexserve-internal", "secret", "http://prometheus:9090", 8);

    KubernetesClient client;
    KubernetesMockServer server;
    private RouterStandIn router;
    private ExpertWorkloads workloads;

    @BeforeEach
    void start() throws Exception {
        router = new RouterStandIn();
        workloads = operator();
    }

    @AfterEach
    void stop() {
        router.close();
    }

    /** A fresh operator on the same cluster and router, as after a restart. */
    private ExpertWorkloads operator() {
        return new ExpertWorkloads(client, new HttpRouterAdmin(router.url(), SECRET, Duration.ofSeconds(10)), SETTINGS);
    }

    private Expert createExpert(int min, int max) {
        ExpertSpec spec = new ExpertSpec();
        spec.setPackageSource(new PackageSource(HASH, URL));
        spec.setOwner("acme");
        spec.setState(ExpertState.ACTIVE);
        spec.setReplicas(new Replicas(min, max));
        spec.setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("1")).addToRequests("memory", new Quantity("2Gi"))
                .addToLimits("memory", new Quantity("4Gi")).addToLimits("nvidia.com/gpu", new Quantity("1")).build());
        spec.setNodeSelector(Map.of("nvidia.com/gpu.present", "true"));
        spec.setTolerations(List.of(new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists")
                .withEffect("NoSchedule").build()));
        Expert expert = new Expert();
        expert.setMetadata(new ObjectMetaBuilder().withName(ID).withNamespace(NS).build());
        expert.setSpec(spec);
        return client.resource(expert).create();
    }

    /** Runs one reconcile and writes its status, as the reconciler does. */
    private Expert reconcile(ExpertWorkloads operator, Expert expert) {
        Expert current = client.resources(Expert.class).inNamespace(NS).withName(ID).get();
        current.setStatus(expert.getStatus());
        ExpertStatus status = operator.reconcile(current);
        current.setStatus(status);
        return client.resource(current).updateStatus();
    }

    private Expert withSpec(Expert expert, java.util.function.Consumer<ExpertSpec> change) {
        Expert edited = client.resources(Expert.class).inNamespace(NS).withName(ID).edit(e -> {
            change.accept(e.getSpec());
            return e;
        });
        edited.setStatus(expert.getStatus());
        return edited;
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace(NS).withName(WORKLOAD).get();
    }

    private Service service() {
        return client.services().inNamespace(NS).withName(WORKLOAD).get();
    }

    private PodDisruptionBudget pdb() {
        return client.policy().v1().podDisruptionBudget().inNamespace(NS).withName(WORKLOAD).get();
    }

    private GenericKubernetesResource scaledObject() {
        return client.genericKubernetesResources(ExpertScaledObject.CONTEXT).inNamespace(NS).withName(WORKLOAD).get();
    }

    /** What the Deployment controller would report once {@code ready} pods pass their readiness probe. */
    private void podsBecomeReady(int ready) {
        Deployment d = deployment();
        d.setStatus(new DeploymentStatusBuilder().withReplicas(ready).withReadyReplicas(ready)
                .withAvailableReplicas(ready).build());
        client.resource(d).updateStatus();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow();
    }

    @Test
    void createMakesDeploymentServiceScaledObjectAndBudgetOwnedByTheExpert() {
        Expert expert = reconcile(workloads, createExpert(0, 4));

        Deployment d = deployment();
        assertThat(d).isNotNull();
        // Scale-to-zero is allowed (min 0), but the first replica is started so the expert can register.
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/flexserve/expert-service:1");
        assertThat(env(c, "FLEXSERVE_EXPERT_PACKAGE_URL")).isEqualTo(URL);
        assertThat(env(c, "FLEXSERVE_EXPERT_PACKAGE_HASH")).isEqualTo(HASH);
        EnvVar secret = c.getEnv().stream().filter(e -> e.getName().equals("FLEXSERVE_INTERNAL_SECRET")).findFirst()
                .orElseThrow();
        assertThat(secret.getValue()).as("the credential is referenced, never inline").isNull();
        assertThat(secret.getValueFrom().getSecretKeyRef().getName()).isEqualTo("flexserve-internal");
        assertThat(secret.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("secret");
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8090));
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(c.getResources().getRequests()).containsEntry("memory", new Quantity("2Gi"));
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations()).singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("flexserve.dev/expert", ID).containsEntry("flexserve.dev/owner", "acme")
                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());

        Service s = service();
        assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8090));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(s.getSpec().getSelector());

        GenericKubernetesResource so = scaledObject();
        assertThat(so.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
        Map<String, Object> soSpec = spec(so);
        assertThat(soSpec).containsEntry("minReplicaCount", 0).containsEntry("maxReplicaCount", 4);
        assertThat((Map<String, Object>) soSpec.get("scaleTargetRef")).containsEntry("kind", "Deployment")
                .containsEntry("name", WORKLOAD);
        @SuppressWarnings("unchecked")
        Map<String, Object> trigger = ((List<Map<String, Object>>) soSpec.get("triggers")).get(0);
        assertThat(trigger).containsEntry("type", "prometheus");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) trigger.get("metadata");
        assertThat((String) metadata.get("query")).contains("flexserve_expert_rows_in_flight").contains(WORKLOAD);
        assertThat(metadata).containsEntry("serverAddress", "http://prometheus:9090").containsEntry("threshold", "8");

        PodDisruptionBudget pdb = pdb();
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());

        for (HasMetadata owned : List.of(d, s, so, pdb)) {
            assertThat(owned.getMetadata().getOwnerReferences()).as(owned.getKind()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("Expert");
                assertThat(o.getApiVersion()).isEqualTo("flexserve.dev/v1alpha1");
                assertThat(o.getUid()).isEqualTo(expert.getMetadata().getUid()).isNotBlank();
                assertThat(o.getController()).isTrue();
            });
        }
        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.PENDING);
        assertThat(expert.getStatus().getEndpoint()).isNull();
        assertThat(router.calls()).as("nothing is registered before a replica is ready").isEmpty();
    }

    @Test
    void aReadyReplicaIsRegisteredWithTheRouterOnce() {
        Expert expert = reconcile(workloads, createExpert(1, 2));
        podsBecomeReady(1);

        expert = reconcile(workloads, expert);

        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.ACTIVE);
        assertThat(expert.getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(expert.getStatus().getEndpoint()).isEqualTo("expert-acme-law.flexserve.svc:8090");
        assertThat(router.calls()).singleElement().satisfies(call -> {
            assertThat(call.action()).isEqualTo("ready");
            assertThat(call.expert()).isEqualTo(ID);
            assertThat(call.authorization()).isEqualTo("Bearer " + SECRET);
            assertThat(call.body()).isEqualTo("{\"endpoint\":\"expert-acme-law.flexserve.svc:8090\"}");
        });

        expert = reconcile(workloads, expert);
        assertThat(router.calls()).as("registered already: not again").hasSize(1);
        assertThat(expert.getStatus().getConditions()).anySatisfy(cond -> {
            assertThat(cond.getType()).isEqualTo("Ready");
            assertThat(cond.getStatus()).isEqualTo("True");
        });
    }

    @Test
    void aSettledExpertIsNotRewritten() {
        Expert expert = reconcile(workloads, createExpert(1, 2));
        String deployment = deployment().getMetadata().getResourceVersion();
        String service = service().getMetadata().getResourceVersion();
        String so = scaledObject().getMetadata().getResourceVersion();

        reconcile(workloads, expert);

        assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(deployment);
        assertThat(service().getMetadata().getResourceVersion()).isEqualTo(service);
        assertThat(scaledObject().getMetadata().getResourceVersion()).isEqualTo(so);
    }

    @Test
    void aNewPackageOrNewResourcesRollTheDeploymentAndKeepKedasReplicaCount() {
        Expert expert = reconcile(workloads, createExpert(1, 4));
        // KEDA scaled it to 3 meanwhile.
        client.apps().deployments().inNamespace(NS).withName(WORKLOAD).edit(d -> {
            d.getSpec().setReplicas(3);
            return d;
        });
        var before = deployment().getSpec().getTemplate();
        String newHash = "b".repeat(64);

        expert = withSpec(expert, s -> {
            s.setPackageSource(new PackageSource(newHash, "http://router-service:8081/internal/v1/packages/" + newHash));
            s.getResources().getLimits().put("memory", new Quantity("8Gi"));
        });
        reconcile(workloads, expert);

        Deployment d = deployment();
        assertThat(d.getSpec().getTemplate()).as("pod template changed: Kubernetes rolls the pods").isNotEqualTo(before);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(c, "FLEXSERVE_EXPERT_PACKAGE_HASH")).isEqualTo(newHash);
        assertThat(env(c, "FLEXSERVE_EXPERT_PACKAGE_URL")).endsWith("/" + newHash);
        assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("8Gi"));
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(ExpertDeployment.PACKAGE_ANNOTATION, newHash);
        assertThat(d.getSpec().getReplicas()).as("the autoscaler's count is not overwritten").isEqualTo(3);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    }

    @Test
    void revokeStopsRoutingAtTheRouterBeforeTheWorkloadScalesToZeroAndGoes() throws InterruptedException {
        Expert expert = reconcile(workloads, createExpert(1, 2));
        podsBecomeReady(1);
        expert = reconcile(workloads, expert);
        // What the cluster held at the moment the router was asked to revoke.
        AtomicReference<Integer> replicasDuringRevoke = new AtomicReference<>();
        AtomicReference<Boolean> scaledObjectDuringRevoke = new AtomicReference<>();
        router.whileHolding("revoke", call -> {
            replicasDuringRevoke.set(deployment().getSpec().getReplicas());
            scaledObjectDuringRevoke.set(scaledObject() != null);
        });
        // What happened to the Deployment afterwards, in the order the API server reports it.
        List<String> deploymentEvents = new CopyOnWriteArrayList<>();
        CountDownLatch deleted = new CountDownLatch(1);
        Watch watch = client.apps().deployments().inNamespace(NS).withName(WORKLOAD).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                deploymentEvents.add(action + " replicas=" + d.getSpec().getReplicas());
                if (action == Action.DELETED) {
                    deleted.countDown();
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });

        expert = reconcile(workloads, withSpec(expert, s -> s.setState(ExpertState.REVOKED)));
        assertThat(deleted.await(10, TimeUnit.SECONDS)).as("deletion of the Deployment observed").isTrue();
        watch.close();

        assertThat(router.actions()).containsExactly("ready", "revoke");
        assertThat(replicasDuringRevoke.get()).as("still serving while the router revokes").isEqualTo(1);
        assertThat(scaledObjectDuringRevoke.get()).isTrue();
        assertThat(deployment()).isNull();
        assertThat(service()).isNull();
        assertThat(scaledObject()).isNull();
        assertThat(pdb()).isNull();
        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.REVOKED);
        assertThat(expert.getStatus().getEndpoint()).isNull();
        assertThat(deploymentEvents).as("scaled to zero, then deleted")
                .containsSubsequence("MODIFIED replicas=0", "DELETED replicas=0");
    }

    @Test
    void aRevokeTheRouterDoesNotConfirmLeavesTheWorkloadServing() {
        Expert expert = reconcile(workloads, createExpert(1, 2));
        podsBecomeReady(1);
        expert = reconcile(workloads, expert);
        router.answer("revoke", 503);
        Expert revoked = withSpec(expert, s -> s.setState(ExpertState.REVOKED));

        assertThatThrownBy(() -> workloads.reconcile(revoked)).isInstanceOf(RouterCallFailedException.class);

        assertThat(deployment().getSpec().getReplicas()).isEqualTo(1);
        assertThat(service()).isNotNull();
        assertThat(scaledObject()).isNotNull();

        router.answer("revoke", 200);
        assertThat(workloads.reconcile(revoked).getPhase()).isEqualTo(ExpertPhase.REVOKED);
        assertThat(deployment()).isNull();
        assertThat(router.actions()).containsExactly("ready", "revoke", "revoke");
    }

    @Test
    void aRevokedExpertNeverServesAgain() {
        Expert expert = reconcile(workloads, createExpert(1, 2));
        expert = reconcile(workloads, withSpec(expert, s -> s.setState(ExpertState.REVOKED)));
        // The API server's validation rule refuses this change; the operator must hold even if it got through.
        expert = withSpec(expert, s -> s.setState(ExpertState.ACTIVE));

        expert = reconcile(workloads, expert);

        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.REVOKED);
        assertThat(deployment()).isNull();
        assertThat(router.actions()).containsExactly("revoke");
    }

    @Test
    void inactiveDeactivatesAtTheRouterAndScalesToZeroThenActiveComesBack() {
        Expert expert = reconcile(workloads, createExpert(1, 3));
        podsBecomeReady(1);
        expert = reconcile(workloads, expert);

        expert = reconcile(workloads, withSpec(expert, s -> s.setState(ExpertState.INACTIVE)));

        assertThat(router.actions()).containsExactly("ready", "deactivate");
        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.INACTIVE);
        assertThat(deployment().getSpec().getReplicas()).isZero();
        assertThat(scaledObject()).as("nothing may scale it up while inactive").isNull();
        podsBecomeReady(0); // what the Deployment controller reports once its pods are gone

        expert = reconcile(workloads, withSpec(expert, s -> s.setState(ExpertState.ACTIVE)));
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(1);
        assertThat(scaledObject()).isNotNull();
        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.PENDING);
        podsBecomeReady(1);
        expert = reconcile(workloads, expert);
        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.ACTIVE);
        assertThat(router.actions()).containsExactly("ready", "deactivate", "ready");
    }

    @Test
    void deletingTheExpertRevokesFirstThenRemovesEveryOwnedObject() {
        Expert expert = reconcile(workloads, createExpert(1, 2));
        podsBecomeReady(1);
        expert = reconcile(workloads, expert);
        AtomicReference<Boolean> deploymentDuringRevoke = new AtomicReference<>();
        router.whileHolding("revoke", call -> deploymentDuringRevoke.set(deployment() != null));

        workloads.remove(expert);

        assertThat(router.actions()).containsExactly("ready", "revoke");
        assertThat(deploymentDuringRevoke.get()).isTrue();
        assertThat(deployment()).isNull();
        assertThat(service()).isNull();
        assertThat(scaledObject()).isNull();
        assertThat(pdb()).isNull();
    }

    @Test
    void anOperatorRestartedMidReconcileConverges() {
        Expert created = createExpert(1, 2);
        // The first operator created the workload and died before writing the status.
        workloads.reconcile(client.resources(Expert.class).inNamespace(NS).withName(ID).get());
        client.services().inNamespace(NS).withName(WORKLOAD).delete(); // ... and before it created the Service
        podsBecomeReady(1);
        String deploymentVersion = deployment().getMetadata().getResourceVersion();

        Expert expert = reconcile(operator(), created);

        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).hasSize(1);
        assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(deploymentVersion);
        assertThat(service()).isNotNull();
        assertThat(scaledObject()).isNotNull();
        assertThat(pdb()).isNotNull();
        assertThat(expert.getStatus().getPhase()).isEqualTo(ExpertPhase.ACTIVE);
        assertThat(router.actions()).containsExactly("ready");
    }
}
