package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The internal generation API's request (the gateway translates the OpenAI API into it). Give {@code prompt}
 * (text) or {@code prompt_tokens} (ids), not both. {@code experts.include} limits the experts to those named (each
 * must be available to the caller's organization); {@code experts.exclude} opts experts out. The caller is not part
 * of the body: it comes in the {@link CallerHeaders}.
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
        @JsonProperty("experts") ExpertChoice experts) {

    /** The request's expert choice, as the public API's {@code experts} field writes it. */
    public record ExpertChoice(@JsonProperty("include") List<String> include, @JsonProperty("exclude") List<String> exclude) {
    }
}
