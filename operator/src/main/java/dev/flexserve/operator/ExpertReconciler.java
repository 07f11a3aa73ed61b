package dev.flexserve.operator;

import dev.flexserve.operator.crd.Expert;
import dev.flexserve.operator.crd.ExpertPhase;
import dev.flexserve.operator.crd.ExpertState;
import dev.flexserve.operator.crd.ExpertStatus;
import dev.flexserve.operator.workload.Conditions;
import dev.flexserve.operator.workload.ExpertWorkloads;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * The Java Operator SDK's entry point for {@link Expert}s: the work is {@link ExpertWorkloads}'; this writes the
 * status it returns, schedules the next look, and on deletion (a finalizer) revokes at the router before the
 * expert's objects are removed.
 */
@ControllerConfiguration(name = "expert")
public class ExpertReconciler implements Reconciler<Expert>, Cleaner<Expert> {
    private final ExpertWorkloads workloads;
    private final OperatorSettings settings;

    public ExpertReconciler(ExpertWorkloads workloads, OperatorSettings settings) {
        this.workloads = workloads;
        this.settings = settings;
    }

    @Override
    public UpdateControl<Expert> reconcile(Expert expert, Context<Expert> context) {
        ExpertStatus status = workloads.reconcile(expert);
        expert.setStatus(status);
        UpdateControl<Expert> control = UpdateControl.patchStatus(expert);
        if (status.getPhase() == ExpertPhase.REVOKED) {
            return control;
        }
        // Readiness of the Deployment is polled rather than watched: a few seconds while pending, then rarely.
        return control.rescheduleAfter(status.getPhase() == ExpertPhase.PENDING ? settings.pendingRecheck()
                : settings.settledRecheck());
    }

    @Override
    public ErrorStatusUpdateControl<Expert> updateErrorStatus(Expert expert, Context<Expert> context, Exception e) {
        ExpertStatus status = expert.getStatus() == null ? new ExpertStatus() : expert.getStatus();
        if (expert.getSpec().getState() == ExpertState.REVOKED
                && status.getPhase() != ExpertPhase.REVOKED) {
            // The router has not confirmed the revoke: the workload is untouched and the revoke is retried.
            status.setPhase(ExpertPhase.REVOKING);
        }
        Conditions.set(status, expert, "ReconcileFailed", true, e.getClass().getSimpleName(),
                String.valueOf(e.getMessage()));
        expert.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(expert);
    }

    @Override
    public DeleteControl cleanup(Expert expert, Context<Expert> context) {
        workloads.remove(expert);
        return DeleteControl.defaultDelete();
    }
}
