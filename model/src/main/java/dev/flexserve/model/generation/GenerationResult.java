package dev.flexserve.model.generation;

import dev.flexserve.model.engine.ExpertDrop;

import java.util.List;

/**
 * A finished completion.
 *
 * @param text         the decoded completion (without a matched stop sequence), or null for a model without tokenizer
 * @param finishReason {@code stop} (end-of-text token or stop sequence), {@code length} (max tokens or context),
 *                     or {@code error} (no allowed expert was left; {@code error} says why)
 * @param attribution  one entry per expert that was allowed at admission (DESIGN.md §6)
 * @param dropped      experts that failed during the response and were left out from then on
 */
public record GenerationResult(int[] tokens, String text, String finishReason, int promptTokens,
                               List<ExpertAttribution> attribution, List<ExpertDrop> dropped, String error) {
    public int completionTokens() {
        return tokens.length;
    }
}
