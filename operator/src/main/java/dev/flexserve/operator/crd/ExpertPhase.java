package dev.flexserve.operator.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where an expert's workload stands, as the operator last observed it. */
public enum ExpertPhase {
    /** Workload created, no replica ready yet, not registered with the router. */
    @JsonProperty("Pending")
    PENDING,
    /** Registered with the router at {@code status.endpoint} (it may be scaled to zero for lack of load). */
    @JsonProperty("Active")
    ACTIVE,
    /** Deactivated at the router and scaled to zero; can be activated again. */
    @JsonProperty("Inactive")
    INACTIVE,
    /** The router has been told to revoke it and has not confirmed yet; the workload is untouched. */
    @JsonProperty("Revoking")
    REVOKING,
    /** Revoked at the router, workload removed. Final. */
    @JsonProperty("Revoked")
    REVOKED
}
