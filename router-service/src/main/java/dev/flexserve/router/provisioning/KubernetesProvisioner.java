package dev.flexserve.router.provisioning;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import org.jboss.logging.Logger;

/**
 * Provisions uploaded experts on Kubernetes: one {@code Expert} resource each, which the operator turns into a
 * Deployment, Service, autoscaler and disruption budget. The operator tells the router when the workload is ready
 * ({@code POST /admin/experts/{id}/ready}), and that registers the expert; {@link #remove} (called after the router
 * stopped routing to it) marks the resource revoked, and the operator removes the workload.
 */
@ApplicationScoped
@Typed(KubernetesProvisioner.class)
public class KubernetesProvisioner implements Provisioner {
    private static final Logger LOG = Logger.getLogger(KubernetesProvisioner.class);

    private final Deployments deployments;
    private final ExpertResources experts;

    public KubernetesProvisioner(KubernetesClient client, ProvisioningSettings settings, Deployments deployments) {
        this.deployments = deployments;
        String base = settings.packageBaseUrl().orElseThrow(() -> new IllegalStateException(
                "flexserve.router.provisioning.package-base-url must be set for mode kubernetes"));
        this.experts = new ExpertResources(client, settings.kubernetes().namespace().orElse(client.getNamespace()),
                base, settings.kubernetes());
    }

    @Override
    public void provision(Deployed d) {
        try {
            experts.create(d.id(), d.owner(), d.packageHash());
            LOG.infof("Expert resource %s written (package %s); the operator provisions it", d.id(), d.packageHash());
        } catch (RuntimeException e) {
            LOG.errorf("uploaded expert %s could not be provisioned: %s", d.id(), e.getMessage());
            deployments.update(d.id(), r -> {
                r.state = DeploymentState.FAILED;
                r.reason = e.getMessage();
            });
        }
    }

    @Override
    public void remove(String id) {
        experts.revoke(id);
    }
}
