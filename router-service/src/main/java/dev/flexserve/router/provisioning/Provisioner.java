package dev.flexserve.router.provisioning;

import java.nio.file.Path;

/**
 * Turns a stored, verified expert package into a serving expert and takes it away again: one interface, one
 * implementation per way the platform runs (a local expert-service process with {@code flexserve up}; an {@code Expert}
 * resource on Kubernetes, which the operator reconciles). Whichever it is, the expert is registered with the router
 * once its workload is ready, and {@link #remove} is called only after the router has stopped routing to it.
 */
public interface Provisioner {
    /** Starts the workload of {@code deployment} and returns at once; readiness or failure lands in its record. */
    void provision(Deployed deployment);

    /** Stops and removes the workload of expert {@code id} (nothing happens for one this provisioner does not run). */
    void remove(String id);

    /** What a provisioner needs of a deployment: the expert, its owner, and where its verified package is. */
    record Deployed(String id, String owner, String packageHash, Path packageDir) {
    }
}
