package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code POST /v1/completions} without streaming: OpenAI's {@code text_completion} plus attribution. */
public record CompletionResponse(String id, String object, long created, String model,
                                 List<Choice> choices, Usage usage, List<Attribution> attribution,
                                 List<DroppedExpert> droppedExperts) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index, String text, Object logprobs, String finishReason) {
    }
}
