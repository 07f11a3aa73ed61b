package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** The body of {@code POST /v1/chat/completions}, as OpenAI defines it, plus {@code experts} and {@code top_k}. */
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        Integer maxTokens,
        Integer maxCompletionTokens,
        Double temperature,
        Double topP,
        Integer n,
        Boolean stream,
        StreamOptions streamOptions,
        JsonNode stop,
        Double presencePenalty,
        Double frequencyPenalty,
        Map<String, Double> logitBias,
        Boolean logprobs,
        Integer topLogprobs,
        String user,
        Long seed,
        JsonNode tools,
        JsonNode toolChoice,
        Boolean parallelToolCalls,
        JsonNode functions,
        JsonNode functionCall,
        JsonNode responseFormat,
        Boolean store,
        Map<String, String> metadata,
        Integer topK,
        ExpertChoice experts) {
}
