package dev.flexserve.operator.workload;

import dev.flexserve.operator.crd.Expert;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * At most one of an expert's pods evicted at a time. {@code maxUnavailable} rather than {@code minAvailable}: with
 * one replica (or scaled to zero) a {@code minAvailable: 1} would block every node drain.
 */
public final class ExpertDisruptionBudget {
    private ExpertDisruptionBudget() {
    }

    public static PodDisruptionBudget desired(Expert expert) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(ExpertNames.metadata(expert))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector().withMatchLabels(ExpertNames.selector(expert)).endSelector()
                .endSpec()
                .build();
    }
}
