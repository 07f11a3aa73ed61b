package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code POST /v1/chat/completions} without streaming: OpenAI's {@code chat.completion} plus attribution. */
public record ChatCompletionResponse(String id, String object, long created, String model,
                                     List<Choice> choices, Usage usage, List<Attribution> attribution,
                                     List<DroppedExpert> droppedExperts) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index, Message message, Object logprobs, String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Message(String role, String content, String refusal) {
    }
}
