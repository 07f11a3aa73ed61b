package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The body of {@code POST /v1/completions}, as OpenAI defines it, plus FlexServe's {@code experts} and vLLM's
 * {@code top_k}. {@code prompt} is a string, or a list holding one string or one list of token ids; {@code stop}
 * a string or a list of strings.
 */
public record CompletionRequest(
        String model,
        JsonNode prompt,
        String suffix,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer n,
        Boolean stream,
        StreamOptions streamOptions,
        Integer logprobs,
        Boolean echo,
        JsonNode stop,
        Double presencePenalty,
        Double frequencyPenalty,
        Integer bestOf,
        Map<String, Double> logitBias,
        String user,
        Long seed,
        Integer topK,
        ExpertChoice experts) {
}
