package dev.flexserve.router.provisioning;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * The one {@link Provisioner} the router uses, chosen by {@code flexserve.router.provisioning.mode}. Only the chosen
 * implementation is created (the Kubernetes one needs a cluster; the embedded one is also the bean for mode none,
 * where uploads are refused before any provisioner is asked).
 */
public class ProvisionerChoice {
    @Produces
    @ApplicationScoped
    Provisioner provisioner(ProvisioningSettings settings, Instance<EmbeddedProvisioner> embedded,
                            Instance<KubernetesProvisioner> kubernetes) {
        if (settings.mode() == ProvisioningSettings.Mode.KUBERNETES) {
            return kubernetes.get();
        }
        return embedded.get();
    }
}
