package dev.flexserve.router.provisioning;

/** Where an uploaded expert's workload stands. */
public enum DeploymentState {
    /** Stored and verified; its workload is starting. */
    PROVISIONING,
    /** Its workload is ready and the expert is registered with the router. */
    READY,
    /** Its workload could not be started; {@code reason} says why. */
    FAILED,
    /** Revoked: its workload is gone. */
    REMOVED
}
