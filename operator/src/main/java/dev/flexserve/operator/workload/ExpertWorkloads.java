package dev.flexserve.operator.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flexserve.operator.crd.Expert;
import dev.flexserve.operator.crd.ExpertPhase;
import dev.flexserve.operator.crd.ExpertState;
import dev.flexserve.operator.crd.ExpertStatus;
import dev.flexserve.operator.router.RouterAdmin;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Brings one expert's objects (Deployment, Service, KEDA ScaledObject, PodDisruptionBudget) and its registration at
 * the router to what its {@code spec.state} asks, and says what it found. Every step reads what exists first and the
 * router calls are idempotent, so a reconcile may be cut short anywhere (operator restarted, status not written) and
 * the next one converges.
 */
public class ExpertWorkloads {
    /** Hash of the desired object as last applied: an object whose desired form did not change is not rewritten. */
    static final String APPLIED_ANNOTATION = "flexserve.dev/applied-hash";

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final KubernetesClient client;
    private final RouterAdmin router;
    private final WorkloadSettings settings;

    public ExpertWorkloads(KubernetesClient client, RouterAdmin router, WorkloadSettings settings) {
        this.client = client;
        this.router = router;
        this.settings = settings;
    }

    /** Reconciles {@code expert} and returns its new status (the caller writes it). */
    public ExpertStatus reconcile(Expert expert) {
        ExpertStatus previous = expert.getStatus() == null ? new ExpertStatus() : expert.getStatus();
        ExpertStatus next;
        // Revocation is final: once begun (or done) it goes on whatever the spec says now.
        if (expert.getSpec().getState() == ExpertState.REVOKED || previous.getPhase() == ExpertPhase.REVOKED
                || previous.getPhase() == ExpertPhase.REVOKING) {
            next = revoke(expert, previous);
        } else if (expert.getSpec().getState() == ExpertState.INACTIVE) {
            next = deactivate(expert, previous);
        } else {
            next = activate(expert, previous);
        }
        next.setObservedGeneration(expert.getMetadata().getGeneration());
        return next;
    }

    /** The Expert is being deleted: the router stops routing to it first, then its objects go. */
    public void remove(Expert expert) {
        if (expert.getStatus() == null || expert.getStatus().getPhase() != ExpertPhase.REVOKED) {
            router.revoke(expert.getMetadata().getName());
        }
        tearDown(expert);
    }

    private ExpertStatus activate(Expert expert, ExpertStatus previous) {
        apply(ExpertService.desired(expert), expert);
        apply(ExpertDisruptionBudget.desired(expert), expert);
        Deployment existing = deployment(expert).get();
        int start = Math.max(expert.getSpec().getReplicas().getMin(), 1);
        int replicas;
        if (existing == null) {
            replicas = start; // one replica at least, so it can register; KEDA takes it down to min afterwards
        } else if (previous.getPhase() == ExpertPhase.INACTIVE) {
            replicas = start; // woken from inactive, where it was scaled to zero
        } else {
            replicas = existing.getSpec().getReplicas() == null ? start : existing.getSpec().getReplicas();
        }
        Deployment applied = applyDeployment(ExpertDeployment.desired(expert, settings, replicas), expert);
        applyScaledObject(expert);

        int ready = readyReplicas(applied);
        String endpoint = ExpertNames.endpoint(expert);
        ExpertStatus next = new ExpertStatus();
        next.setReadyReplicas(ready);
        next.setConditions(previous.getConditions());
        if (ready > 0) {
            if (previous.getPhase() != ExpertPhase.ACTIVE || !endpoint.equals(previous.getEndpoint())) {
                router.ready(expert.getMetadata().getName(), endpoint);
            }
            next.setPhase(ExpertPhase.ACTIVE);
            next.setEndpoint(endpoint);
            Conditions.set(next, expert, "Ready", true, "Registered", "registered with the router at " + endpoint);
        } else if (previous.getPhase() == ExpertPhase.ACTIVE) {
            // Scaled to zero for lack of load: still registered, KEDA brings a replica back when rows arrive.
            next.setPhase(ExpertPhase.ACTIVE);
            next.setEndpoint(previous.getEndpoint());
            Conditions.set(next, expert, "Ready", true, "ScaledToZero", "registered; no replica runs now");
        } else {
            next.setPhase(ExpertPhase.PENDING);
            Conditions.set(next, expert, "Ready", false, "NoReadyReplica", "waiting for a ready replica");
        }
        return next;
    }

    private ExpertStatus deactivate(Expert expert, ExpertStatus previous) {
        if (previous.getPhase() != ExpertPhase.INACTIVE) {
            router.deactivate(expert.getMetadata().getName());
        }
        // Without its ScaledObject nothing scales the Deployment up again; it is kept (scaled to zero) for a quick
        // reactivation.
        scaledObject(expert).delete();
        scaleToZero(expert);
        ExpertStatus next = new ExpertStatus();
        next.setPhase(ExpertPhase.INACTIVE);
        next.setConditions(previous.getConditions());
        Conditions.set(next, expert, "Ready", false, "Inactive", "deactivated at the router, scaled to zero");
        return next;
    }

    private ExpertStatus revoke(Expert expert, ExpertStatus previous) {
        if (previous.getPhase() != ExpertPhase.REVOKED) {
            // First and alone: the router's revoke returns only when nothing routes to the expert any more. If it
            // throws, nothing below runs and the workload keeps serving the requests already in flight.
            router.revoke(expert.getMetadata().getName());
        }
        tearDown(expert);
        ExpertStatus next = new ExpertStatus();
        next.setPhase(ExpertPhase.REVOKED);
        next.setConditions(previous.getConditions());
        Conditions.set(next, expert, "Ready", false, "Revoked", "revoked at the router; workload removed");
        return next;
    }

    /** Scale to zero first (the pods drain and stop), then delete every object of the expert. */
    private void tearDown(Expert expert) {
        scaledObject(expert).delete();
        scaleToZero(expert);
        deployment(expert).delete();
        client.services().inNamespace(expert.getMetadata().getNamespace()).withName(ExpertNames.workload(expert))
                .delete();
        client.policy().v1().podDisruptionBudget().inNamespace(expert.getMetadata().getNamespace())
                .withName(ExpertNames.workload(expert)).delete();
    }

    private void scaleToZero(Expert expert) {
        Deployment existing = deployment(expert).get();
        if (existing != null && (existing.getSpec().getReplicas() == null || existing.getSpec().getReplicas() != 0)) {
            deployment(expert).edit(d -> {
                d.getSpec().setReplicas(0);
                return d;
            });
        }
    }

    private Resource<Deployment> deployment(Expert expert) {
        return client.apps().deployments().inNamespace(expert.getMetadata().getNamespace())
                .withName(ExpertNames.workload(expert));
    }

    private Resource<GenericKubernetesResource> scaledObject(Expert expert) {
        return client.genericKubernetesResources(ExpertScaledObject.CONTEXT)
                .inNamespace(expert.getMetadata().getNamespace()).withName(ExpertNames.workload(expert));
    }

    private static int readyReplicas(Deployment deployment) {
        if (deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null) {
            return 0;
        }
        return deployment.getStatus().getReadyReplicas();
    }

    private <T extends HasMetadata> void apply(T desired, Expert owner) {
        String hash = own(desired, owner);
        T existing = client.resource(desired).get();
        if (existing == null) {
            client.resource(desired).create();
        } else if (!hash.equals(existing.getMetadata().getAnnotations().get(APPLIED_ANNOTATION))) {
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            client.resource(desired).update();
        }
    }

    /** Like {@link #apply}, but the replica count (KEDA's to change) is not part of what is compared. */
    private Deployment applyDeployment(Deployment desired, Expert owner) {
        Integer replicas = desired.getSpec().getReplicas();
        desired.getSpec().setReplicas(null);
        String hash = own(desired, owner);
        desired.getSpec().setReplicas(replicas);
        Deployment existing = deployment(owner).get();
        if (existing == null) {
            return client.resource(desired).create();
        }
        boolean changed = !hash.equals(existing.getMetadata().getAnnotations().get(APPLIED_ANNOTATION));
        if (!changed && replicas.equals(existing.getSpec().getReplicas())) {
            return existing;
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        desired.setStatus(existing.getStatus());
        Deployment updated = client.resource(desired).update();
        return updated.getStatus() == null ? desired : updated;
    }

    private void applyScaledObject(Expert owner) {
        GenericKubernetesResource desired = ExpertScaledObject.desired(owner, settings);
        String hash = own(desired, owner);
        GenericKubernetesResource existing = scaledObject(owner).get();
        var objects = client.genericKubernetesResources(ExpertScaledObject.CONTEXT)
                .inNamespace(owner.getMetadata().getNamespace());
        if (existing == null) {
            objects.resource(desired).create();
        } else if (!hash.equals(existing.getMetadata().getAnnotations().get(APPLIED_ANNOTATION))) {
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            objects.resource(desired).update();
        }
    }

    /** Sets the owner reference and the applied-hash annotation of {@code desired}; returns the hash. */
    private static String own(HasMetadata desired, Expert owner) {
        desired.getMetadata().setOwnerReferences(List.of(ownerReference(owner)));
        desired.getMetadata().setAnnotations(null);
        String hash = appliedHash(desired);
        desired.getMetadata().setAnnotations(new HashMap<>(Map.of(APPLIED_ANNOTATION, hash)));
        return hash;
    }

    /** Hash of the desired object in its canonical JSON form (what {@link #APPLIED_ANNOTATION} holds). */
    static String appliedHash(HasMetadata desired) {
        return sha256(canonicalJson(desired));
    }

    /**
     * The object as JSON with every map's keys sorted: the same desired object hashes the same in every JVM (maps such
     * as {@code Map.of} iterate in an order that changes between runs, which would rewrite objects after a restart).
     */
    private static String canonicalJson(HasMetadata desired) {
        try {
            Object tree = CANONICAL.readValue(Serialization.asJson(desired), Object.class);
            return CANONICAL.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static OwnerReference ownerReference(Expert owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
