package dev.flexserve.operator;

import dev.flexserve.operator.router.HttpRouterAdmin;
import dev.flexserve.operator.router.RouterAdmin;
import dev.flexserve.operator.workload.ExpertWorkloads;
import dev.flexserve.operator.workload.WorkloadSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the plain classes (testable without CDI) from configuration. */
public class OperatorBeans {
    @Produces
    @ApplicationScoped
    RouterAdmin routerAdmin(OperatorSettings settings, @ConfigProperty(name = "flexserve.internal.secret") String secret) {
        return new HttpRouterAdmin(settings.routerUrl(), secret, settings.routerTimeout());
    }

    @Produces
    @ApplicationScoped
    ExpertWorkloads expertWorkloads(KubernetesClient client, RouterAdmin router, OperatorSettings settings) {
        return new ExpertWorkloads(client, router, new WorkloadSettings(settings.expertImage(),
                settings.internalSecretName(), settings.internalSecretKey(), settings.prometheusUrl(),
                settings.rowsPerReplica()));
    }
}
