package dev.flexserve.operator.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the platform wants of an expert. {@code revoked} is final: a revoked expert never serves again. */
public enum ExpertState {
    @JsonProperty("active")
    ACTIVE,
    @JsonProperty("inactive")
    INACTIVE,
    @JsonProperty("revoked")
    REVOKED
}
