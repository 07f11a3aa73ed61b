package dev.flexserve.gateway.router;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The router's internal generation request ({@code POST /internal/v1/generate[/stream]}): exactly one of
 * {@code prompt} and {@code prompt_tokens}; sampling values as the OpenAI API names them; the expert choice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateRequest(String prompt, int[] promptTokens, Integer maxTokens, Double temperature, Double topP,
                              Integer topK, Long seed, List<String> stop, Experts experts) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Experts(List<String> include, List<String> exclude) {
    }
}
