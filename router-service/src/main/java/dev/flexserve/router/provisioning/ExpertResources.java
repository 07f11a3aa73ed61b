package dev.flexserve.router.provisioning;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The router's side of the {@code Expert} resources ({@code flexserve.dev/v1alpha1}) that the operator reconciles:
 * written as generic resources, so the router does not depend on the operator's types. The resource's name is the
 * expert id, which the operator hands back on the router's {@code /admin/experts/{id}/...} calls.
 */
public class ExpertResources {
    static final ResourceDefinitionContext EXPERTS = new ResourceDefinitionContext.Builder()
            .withGroup("flexserve.dev").withVersion("v1alpha1").withKind("Expert").withPlural("experts")
            .withNamespaced(true).build();
    /** The operator names the workload {@code expert-<id>}, a DNS label of at most 63 characters. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,54}[a-z0-9])?");

    private final KubernetesClient client;
    private final String namespace;
    private final String packageBaseUrl;
    private final ProvisioningSettings.Kubernetes defaults;

    public ExpertResources(KubernetesClient client, String namespace, String packageBaseUrl,
                           ProvisioningSettings.Kubernetes defaults) {
        this.client = client;
        this.namespace = namespace;
        this.packageBaseUrl = packageBaseUrl.endsWith("/") ? packageBaseUrl.substring(0, packageBaseUrl.length() - 1)
                : packageBaseUrl;
        this.defaults = defaults;
    }

    /**
     * Writes the Expert resource of an uploaded expert, state {@code active}. Writing it again with the same
     * package is a no-op; a revoked resource of the same id is never brought back.
     *
     * @throws ExpertResourceException when the id cannot name Kubernetes objects, or the resource cannot be written
     */
    public void create(String id, String owner, String packageHash) {
        if (!NAME.matcher(id).matches()) {
            throw new ExpertResourceException("expert id '" + id + "' cannot name Kubernetes objects (a DNS label of at"
                    + " most 56 characters: lower-case letters, digits, '-')");
        }
        Resource<GenericKubernetesResource> resource = expert(id);
        GenericKubernetesResource existing = resource.get();
        if (existing != null) {
            if ("revoked".equals(spec(existing).get("state"))) {
                throw new ExpertResourceException("the Expert resource '" + id + "' of a revoked expert still exists; "
                        + "delete it before uploading the expert again");
            }
            resource.edit(e -> {
                e.getAdditionalProperties().put("spec", spec(id, owner, packageHash));
                return e;
            });
            return;
        }
        try {
            client.genericKubernetesResources(EXPERTS).inNamespace(namespace).resource(desired(id, owner, packageHash))
                    .create();
        } catch (KubernetesClientException e) {
            throw new ExpertResourceException("the Expert resource '" + id + "' could not be created: " + e.getMessage());
        }
    }

    /** Sets the resource's state to {@code revoked} (the operator then removes the workload); absent: nothing. */
    public void revoke(String id) {
        Resource<GenericKubernetesResource> resource = expert(id);
        if (resource.get() == null) {
            return;
        }
        resource.edit(e -> {
            spec(e).put("state", "revoked");
            return e;
        });
    }

    /** The resource of expert {@code id}, or null. */
    public GenericKubernetesResource get(String id) {
        return expert(id).get();
    }

    private Resource<GenericKubernetesResource> expert(String id) {
        return client.genericKubernetesResources(EXPERTS).inNamespace(namespace).withName(id);
    }

    private GenericKubernetesResource desired(String id, String owner, String packageHash) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("flexserve.dev/v1alpha1")
                .withKind("Expert")
                .withNewMetadata()
                    .withName(id)
                    .withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/managed-by", "flexserve-router")
                    .addToLabels("flexserve.dev/owner", owner)
                .endMetadata()
                .withAdditionalProperties(new LinkedHashMap<>(Map.of("spec", spec(id, owner, packageHash))))
                .build();
    }

    private Map<String, Object> spec(String id, String owner, String packageHash) {
        Map<String, Object> requests = new LinkedHashMap<>();
        requests.put("cpu", defaults.cpuRequest());
        requests.put("memory", defaults.memoryRequest());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("memory", defaults.memoryLimit());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("package", Map.of("hash", packageHash, "url", packageBaseUrl + "/internal/v1/packages/" + packageHash));
        spec.put("owner", owner);
        spec.put("state", "active");
        spec.put("replicas", Map.of("min", defaults.replicasMin(), "max", defaults.replicasMax()));
        if (defaults.gpus() > 0) {
            limits.put("nvidia.com/gpu", defaults.gpus());
            spec.put("nodeSelector", Map.of("nvidia.com/gpu.present", "true"));
            spec.put("tolerations", List.of(Map.of("key", "nvidia.com/gpu", "operator", "Exists",
                    "effect", "NoSchedule")));
        }
        spec.put("resources", Map.of("requests", requests, "limits", limits));
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }
}
