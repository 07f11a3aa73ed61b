package dev.flexserve.operator.crd;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;
import java.util.Map;

/** The desired expert. Field names follow Kubernetes conventions (camelCase), as custom resources do. */
public class ExpertSpec {
    @Required
    @JsonProperty("package")
    private PackageSource packageSource;

    /** The owner organisation (also a label value, hence at most 63 characters). */
    @Required
    @Pattern("^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")
    private String owner;

    /** Once revoked, the state cannot change again (checked by the API server and by the operator). */
    @Required
    @ValidationRule(value = "oldSelf != 'revoked' || self == 'revoked'", message = "a revoked expert stays revoked")
    private ExpertState state;

    @Required
    private Replicas replicas;

    /** Requests and limits of each pod, {@code nvidia.com/gpu} included. */
    private ResourceRequirements resources;

    private Map<String, String> nodeSelector;

    private List<Toleration> tolerations;

    public PackageSource getPackageSource() {
        return packageSource;
    }

    public void setPackageSource(PackageSource packageSource) {
        this.packageSource = packageSource;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public ExpertState getState() {
        return state;
    }

    public void setState(ExpertState state) {
        this.state = state;
    }

    public Replicas getReplicas() {
        return replicas;
    }

    public void setReplicas(Replicas replicas) {
        this.replicas = replicas;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }
}
