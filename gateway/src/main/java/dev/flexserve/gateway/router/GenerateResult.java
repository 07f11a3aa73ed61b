package dev.flexserve.gateway.router;

import java.util.List;

/** The router's answer to a generation (and the last event of its stream) as the gateway reads it. */
public record GenerateResult(String id, String text, int[] tokens, String finishReason, Usage usage,
                             List<Attribution> attribution, List<Dropped> droppedExperts, String error) {

    public record Usage(int promptTokens, int completionTokens, int totalTokens) {
    }

    public record Attribution(String expert, String owner, String version, double weight, int tokens, int promptTokens) {
    }

    public record Dropped(String expert, int layer, String reason) {
    }
}
