package dev.flexserve.operator.workload;

import dev.flexserve.operator.crd.Expert;
import dev.flexserve.operator.crd.ExpertSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The Deployment of the generic expert-service image for one expert. */
public final class ExpertDeployment {
    /** Pod annotation carrying the package hash, so a new package always changes the pod template (a rollout). */
    public static final String PACKAGE_ANNOTATION = "flexserve.dev/package-hash";
    /** The user the images run as (Jib's Quarkus default, not root). */
    static final long RUN_AS_USER = 185;

    private ExpertDeployment() {
    }

    public static Deployment desired(Expert expert, WorkloadSettings settings, int replicas) {
        ExpertSpec spec = expert.getSpec();
        return new DeploymentBuilder()
                .withMetadata(ExpertNames.metadata(expert))
                .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().withMatchLabels(ExpertNames.selector(expert)).endSelector()
                    .withNewStrategy()
                        .withType("RollingUpdate")
                        // A new replica is up (its package fetched and verified) before an old one goes.
                        .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0))
                        .endRollingUpdate()
                    .endStrategy()
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(ExpertNames.labels(expert))
                            .withAnnotations(new TreeMap<>(Map.of(PACKAGE_ANNOTATION, spec.getPackageSource().getHash(),
                                    "prometheus.io/scrape", "true",
                                    "prometheus.io/port", String.valueOf(ExpertNames.PORT),
                                    "prometheus.io/path", "/q/metrics")))
                        .endMetadata()
                        .withNewSpec()
                            .withAutomountServiceAccountToken(false)
                            .withNewSecurityContext()
                                .withRunAsNonRoot(true)
                                .withRunAsUser(RUN_AS_USER)
                                .withRunAsGroup(RUN_AS_USER)
                                .withFsGroup(RUN_AS_USER)
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .endSecurityContext()
                            .withNodeSelector(spec.getNodeSelector() == null ? null : new TreeMap<>(spec.getNodeSelector()))
                            .withTolerations(spec.getTolerations())
                            .withContainers(container(expert, settings))
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(Expert expert, WorkloadSettings settings) {
        ExpertSpec spec = expert.getSpec();
        ResourceRequirements resources = spec.getResources() == null ? new ResourceRequirements() : spec.getResources();
        return new ContainerBuilder()
                .withName("expert-service")
                .withImage(settings.image())
                .addNewPort().withName("http").withContainerPort(ExpertNames.PORT).withProtocol("TCP").endPort()
                .withEnv(env(expert, settings))
                .withResources(resources)
                // Fetching and verifying a multi-gigabyte package can take minutes: up to 10 before liveness counts.
                .withStartupProbe(probe("/q/health/started", 5, 120))
                .withLivenessProbe(probe("/q/health/live", 10, 3))
                .withReadinessProbe(probe("/q/health/ready", 5, 2))
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withRunAsNonRoot(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }

    private static List<EnvVar> env(Expert expert, WorkloadSettings settings) {
        return List.of(
                new EnvVarBuilder().withName("FLEXSERVE_EXPERT_PACKAGE_URL")
                        .withValue(expert.getSpec().getPackageSource().getUrl()).build(),
                new EnvVarBuilder().withName("FLEXSERVE_EXPERT_PACKAGE_HASH")
                        .withValue(expert.getSpec().getPackageSource().getHash()).build(),
                new EnvVarBuilder().withName("FLEXSERVE_INTERNAL_SECRET")
                        .withNewValueFrom().withNewSecretKeyRef(settings.secretKey(), settings.secretName(), false)
                        .endValueFrom().build(),
                new EnvVarBuilder().withName("QUARKUS_HTTP_PORT").withValue(String.valueOf(ExpertNames.PORT)).build());
    }

    private static Probe probe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .build();
    }
}
