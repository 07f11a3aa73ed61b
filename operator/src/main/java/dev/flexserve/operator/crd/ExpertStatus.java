package dev.flexserve.operator.crd;

import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What the operator last observed and did (the status subresource). */
public class ExpertStatus {
    private ExpertPhase phase;
    private int readyReplicas;
    /** {@code host:port} registered with the router; absent unless the expert is registered. */
    private String endpoint;
    private Long observedGeneration;
    private List<Condition> conditions = new ArrayList<>();

    public ExpertPhase getPhase() {
        return phase;
    }

    public void setPhase(ExpertPhase phase) {
        this.phase = phase;
    }

    public int getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(int readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
