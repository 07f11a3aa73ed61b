package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flexserve.model.engine.ExpertDrop;
import dev.flexserve.model.generation.ExpertAttribution;
import dev.flexserve.model.generation.GenerationResult;

import java.util.List;

/** A finished generation: text and ids, why it ended, usage, attribution (DESIGN §6) and experts dropped on the way. */
public record GenerateResponse(
        @JsonProperty("id") String id,
        @JsonProperty("text") String text,
        @JsonProperty("tokens") int[] tokens,
        @JsonProperty("finish_reason") String finishReason,
        @JsonProperty("usage") Usage usage,
        @JsonProperty("attribution") List<Attribution> attribution,
        @JsonProperty("dropped_experts") List<ExpertDrop> droppedExperts,
        @JsonProperty("error") String error) {

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens) {
    }

    public record Attribution(@JsonProperty("expert") String expert, @JsonProperty("owner") String owner,
                              @JsonProperty("version") String version, @JsonProperty("weight") double weight,
                              @JsonProperty("tokens") int tokens, @JsonProperty("prompt_tokens") int promptTokens) {
        static Attribution of(ExpertAttribution a) {
            return new Attribution(a.expert(), a.owner(), a.version(), a.weight(), a.tokens(), a.promptTokens());
        }
    }

    static GenerateResponse of(String id, GenerationResult r) {
        return new GenerateResponse(id, r.text(), r.tokens(), r.finishReason(),
                new Usage(r.promptTokens(), r.completionTokens(), r.promptTokens() + r.completionTokens()),
                r.attribution().stream().map(Attribution::of).toList(), r.dropped(), r.error());
    }
}
