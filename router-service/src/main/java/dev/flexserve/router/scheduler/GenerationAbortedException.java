package dev.flexserve.router.scheduler;

import dev.flexserve.model.generation.GenerationResult;

/**
 * A request the platform ended after it had generated tokens (a failed engine step, a shutdown): {@code partial} is
 * what it had generated, so its experts' use can still be attributed. A bug, reported as a 500.
 */
public class GenerationAbortedException extends RuntimeException {
    public static final String ABORTED = "aborted";
    private final transient GenerationResult partial;

    public GenerationAbortedException(GenerationResult partial, Throwable cause) {
        super("the request was aborted after " + partial.completionTokens() + " generated tokens: " + cause.getMessage(), cause);
        this.partial = partial;
    }

    public GenerationResult partial() {
        return partial;
    }
}
