package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.gateway.router.GenerateResult;

import java.util.List;

/**
 * {@code POST /v1/chat/completions}: {@code chat.completion} objects; chunks carry {@code delta}s, the first one the
 * assistant's {@code role}.
 */
final class ChatShape implements ResponseShape {
    static final ChatShape INSTANCE = new ChatShape();

    @Override
    public String idPrefix() {
        return "chatcmpl-";
    }

    @Override
    public Object response(String id, long created, String model, GenerateResult r) {
        return new ChatCompletionResponse(id, "chat.completion", created, model,
                List.of(new ChatCompletionResponse.Choice(0, new ChatCompletionResponse.Message("assistant", r.text(), null),
                        null, r.finishReason())),
                ResponseShape.usage(r), ResponseShape.attribution(r), ResponseShape.dropped(r));
    }

    @Override
    public String chunkObject() {
        return "chat.completion.chunk";
    }

    @Override
    public ObjectNode deltaChoice(ObjectMapper json, String text, boolean first) {
        ObjectNode c = json.createObjectNode().put("index", 0);
        ObjectNode delta = c.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", text);
        c.putNull("logprobs");
        c.putNull("finish_reason");
        return c;
    }

    @Override
    public ObjectNode finalChoice(ObjectMapper json, String finishReason) {
        ObjectNode c = json.createObjectNode().put("index", 0);
        c.putObject("delta");
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        return c;
    }
}
