package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.gateway.router.GenerateResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The router's event stream of one request as OpenAI's: each {@code {"id", "token", "text"}} event becomes a chunk
 * with the text (events that complete no text send nothing), the router's final result becomes the chunk with
 * {@code finish_reason}, {@code attribution} and {@code dropped_experts}, followed by a usage chunk (empty
 * {@code choices}) when {@code stream_options.include_usage} asked for it, then {@code [DONE]}. An error the router
 * reports mid-stream becomes an {@code {"error": ...}} event in the OpenAI envelope. One translator per stream.
 */
final class StreamTranslator {
    static final String DONE = "[DONE]";

    private final ObjectMapper json;
    private final ResponseShape shape;
    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;
    private final Consumer<GenerateResult> onResult;
    private boolean first = true;
    private int tokens;

    StreamTranslator(ObjectMapper json, ResponseShape shape, String id, long created, String model, boolean includeUsage,
                     Consumer<GenerateResult> onResult) {
        this.json = json;
        this.shape = shape;
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
        this.onResult = onResult;
    }

    /** The OpenAI {@code data:} payloads that one router event becomes. */
    List<String> translate(String event) {
        if (DONE.equals(event)) {
            return List.of(DONE);
        }
        JsonNode e = read(event);
        List<String> out = new ArrayList<>(2);
        if (e.has("token")) {
            tokens++;
            String text = e.path("text").asText("");
            if (!text.isEmpty()) {
                out.add(write(chunk(shape.deltaChoice(json, text, first))));
                first = false;
            }
        } else if (e.hasNonNull("error") && e.get("error").isObject()) {
            out.add(write(e));
        } else {
            GenerateResult r = json.convertValue(e, GenerateResult.class);
            onResult.accept(r);
            ObjectNode last = chunk(shape.finalChoice(json, r.finishReason()));
            last.set("attribution", json.valueToTree(ResponseShape.attribution(r)));
            last.set("dropped_experts", json.valueToTree(ResponseShape.dropped(r)));
            out.add(write(last));
            if (includeUsage) {
                ObjectNode usage = base();
                usage.putArray("choices");
                usage.set("usage", json.valueToTree(ResponseShape.usage(r)));
                out.add(write(usage));
            }
        }
        return out;
    }

    /** Tokens reported so far (what a stream the client abandoned has used). */
    int tokensSeen() {
        return tokens;
    }

    private ObjectNode chunk(ObjectNode choice) {
        ObjectNode c = base();
        ArrayNode choices = c.putArray("choices");
        choices.add(choice);
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }

    private ObjectNode base() {
        return json.createObjectNode().put("id", id).put("object", shape.chunkObject()).put("created", created).put("model", model);
    }

    private JsonNode read(String event) {
        try {
            return json.readTree(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the router sent an event that is not JSON: " + event, e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
