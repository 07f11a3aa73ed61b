package dev.flexserve.expert.engine;

import dev.flexserve.model.engine.ExpertFfn;
import dev.flexserve.model.packages.ExpertPackage;

/**
 * Opens an already verified expert package's FFN layers for inference. The expert-service opens them at startup and
 * again on every activation, and closes what this returns on deactivation.
 */
@FunctionalInterface
public interface FfnLoader {

    /**
     * @throws RuntimeException with a message that names the graph and the problem when a session cannot be opened
     */
    ExpertFfn open(ExpertPackage expert, int intraOpThreads);
}
