package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The internal generation API's request (the gateway translates the OpenAI API into it). Give {@code prompt}
 * (text) or {@code prompt_tokens} (ids), not both. {@code include} limits the experts to those named (each
 * must be available to {@code organization}); {@code exclude} opts experts out.
 */
public record GenerateRequest(
        @JsonProperty("prompt") String prompt,
        @JsonProperty("prompt_tokens") int[] promptTokens,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("seed") Long seed,
        @JsonProperty("stop") List<String> stop,
        @JsonProperty("organization") String organization,
        @JsonProperty("include") List<String> include,
        @JsonProperty("exclude") List<String> exclude,
        @JsonProperty("stream") Boolean stream) {
}
