package dev.flexserve.model.generation;

import dev.flexserve.model.sampling.SamplingParams;

import java.util.Set;

/**
 * One completion to compute: prompt token ids, sampling parameters, and the experts allowed to take part
 * (null: every expert the engine has).
 */
public record GenerationRequest(int[] prompt, SamplingParams params, Set<String> allowedExperts) {
    public GenerationRequest {
        if (prompt == null || prompt.length == 0) {
            throw new InvalidPromptException("the prompt must contain at least one token");
        }
        allowedExperts = allowedExperts == null ? null : Set.copyOf(allowedExperts);
    }
}
