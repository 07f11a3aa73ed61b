package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.gateway.router.GenerateResult;

import java.util.List;

/** {@code POST /v1/completions}: {@code text_completion} objects, the text in {@code choices[0].text}. */
final class CompletionShape implements ResponseShape {
    static final CompletionShape INSTANCE = new CompletionShape();

    @Override
    public String idPrefix() {
        return "cmpl-";
    }

    @Override
    public Object response(String id, long created, String model, GenerateResult r) {
        return new CompletionResponse(id, "text_completion", created, model,
                List.of(new CompletionResponse.Choice(0, r.text(), null, r.finishReason())),
                ResponseShape.usage(r), ResponseShape.attribution(r), ResponseShape.dropped(r));
    }

    @Override
    public String chunkObject() {
        return "text_completion";
    }

    @Override
    public ObjectNode deltaChoice(ObjectMapper json, String text, boolean first) {
        ObjectNode c = json.createObjectNode().put("index", 0).put("text", text);
        c.putNull("logprobs");
        c.putNull("finish_reason");
        return c;
    }

    @Override
    public ObjectNode finalChoice(ObjectMapper json, String finishReason) {
        ObjectNode c = json.createObjectNode().put("index", 0).put("text", "");
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        return c;
    }
}
