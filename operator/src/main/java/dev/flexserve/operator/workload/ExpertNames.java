package dev.flexserve.operator.workload;

import dev.flexserve.operator.crd.Expert;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of the objects of one expert (all named {@code expert-<id>}). */
public final class ExpertNames {
    public static final int PORT = 8090;
    public static final String EXPERT_LABEL = "flexserve.dev/expert";
    public static final String OWNER_LABEL = "flexserve.dev/owner";
    public static final String MANAGED_BY = "flexserve-operator";

    private ExpertNames() {
    }

    public static String workload(Expert expert) {
        return "expert-" + expert.getMetadata().getName();
    }

    /** The Service's in-cluster address that the router is given. */
    public static String endpoint(Expert expert) {
        return workload(expert) + "." + expert.getMetadata().getNamespace() + ".svc:" + PORT;
    }

    /** Selects this expert's pods (and only them: the expert label holds the whole id). */
    public static Map<String, String> selector(Expert expert) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "expert-service");
        labels.put(EXPERT_LABEL, expert.getMetadata().getName());
        return labels;
    }

    public static Map<String, String> labels(Expert expert) {
        Map<String, String> labels = selector(expert);
        labels.put("app.kubernetes.io/instance", workload(expert));
        labels.put("app.kubernetes.io/component", "expert");
        labels.put("app.kubernetes.io/part-of", "flexserve");
        labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
        labels.put(OWNER_LABEL, expert.getSpec().getOwner());
        return labels;
    }

    /** The metadata every object of the expert carries: its workload name, the Expert's namespace, the labels. */
    public static ObjectMeta metadata(Expert expert) {
        return new ObjectMetaBuilder().withName(workload(expert)).withNamespace(expert.getMetadata().getNamespace())
                .withLabels(labels(expert)).build();
    }
}
