package dev.flexserve.operator.workload;

import dev.flexserve.operator.crd.Expert;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * KEDA's {@code ScaledObject} for one expert (as a generic resource: no KEDA Java types), scaling its Deployment
 * between {@code spec.replicas.min} and {@code max} on the in-flight rows its pods export.
 */
public final class ExpertScaledObject {
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("keda.sh").withVersion("v1alpha1").withKind("ScaledObject").withPlural("scaledobjects")
            .withNamespaced(true).build();

    private ExpertScaledObject() {
    }

    /** Sum over this expert's pods only: pod names are {@code expert-<id>-<replicaset hash>-<suffix>}. */
    static String query(Expert expert) {
        return "sum(flexserve_expert_rows_in_flight{namespace=\"" + expert.getMetadata().getNamespace()
                + "\",pod=~\"" + ExpertNames.workload(expert) + "-[a-z0-9]+-[a-z0-9]+\"})";
    }

    public static GenericKubernetesResource desired(Expert expert, WorkloadSettings settings) {
        // Sorted maps: the object is written the same way in every run.
        Map<String, Object> trigger = new TreeMap<>(Map.of(
                "type", "prometheus",
                "metadata", new TreeMap<>(Map.of(
                        "serverAddress", settings.prometheusUrl(),
                        "query", query(expert),
                        "threshold", String.valueOf(settings.rowsPerReplica()),
                        // Any row in flight wakes an expert scaled to zero.
                        "activationThreshold", "0"))));
        Map<String, Object> spec = new TreeMap<>(Map.of(
                "scaleTargetRef", new TreeMap<>(Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                        "name", ExpertNames.workload(expert))),
                "minReplicaCount", expert.getSpec().getReplicas().getMin(),
                "maxReplicaCount", expert.getSpec().getReplicas().getMax(),
                "pollingInterval", 15,
                "cooldownPeriod", 300,
                "triggers", List.of(trigger)));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("keda.sh/v1alpha1")
                .withKind("ScaledObject")
                .withMetadata(ExpertNames.metadata(expert))
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }
}
