package dev.flexserve.model.generation;

import java.util.List;

/**
 * A finished completion.
 *
 * @param text         the decoded completion (without a matched stop sequence), or null for a model without tokenizer
 * @param finishReason {@code stop} (end-of-text token or stop sequence) or {@code length} (max tokens or context)
 * @param attribution  one entry per expert that was allowed (DESIGN.md §6)
 */
public record GenerationResult(int[] tokens, String text, String finishReason, int promptTokens,
                               List<ExpertAttribution> attribution) {
    public int completionTokens() {
        return tokens.length;
    }
}
