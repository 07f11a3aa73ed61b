package dev.flexserve.operator.workload;

import dev.flexserve.operator.crd.Expert;
import dev.flexserve.operator.crd.ExpertStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Kubernetes-style conditions: one per type, its transition time kept while its status does not change. */
public final class Conditions {
    private Conditions() {
    }

    public static void set(ExpertStatus status, Expert expert, String type, boolean value, String reason,
                           String message) {
        List<Condition> conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
        String text = value ? "True" : "False";
        Condition old = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String since = old != null && text.equals(old.getStatus()) ? old.getLastTransitionTime() : Instant.now().toString();
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new ConditionBuilder().withType(type).withStatus(text).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withObservedGeneration(expert.getMetadata().getGeneration()).build());
        status.setConditions(conditions);
    }
}
