package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.gateway.router.GenerateResult;

import java.util.List;

/**
 * How one endpoint writes the router's result: {@code text_completion} or {@code chat.completion}, and their
 * streaming chunks. Every chunk of a response carries the same {@code id}, {@code created} and {@code model}.
 */
interface ResponseShape {
    /** {@code cmpl-} or {@code chatcmpl-}. */
    String idPrefix();

    /** The non-streaming response. */
    Object response(String id, long created, String model, GenerateResult r);

    /** The {@code object} of a chunk. */
    String chunkObject();

    /** The chunk's {@code choices[0]} for generated text; {@code first} is true for the first chunk of the response. */
    ObjectNode deltaChoice(ObjectMapper json, String text, boolean first);

    /** The chunk's {@code choices[0]} that ends the response. */
    ObjectNode finalChoice(ObjectMapper json, String finishReason);

    static List<Attribution> attribution(GenerateResult r) {
        return r.attribution() == null ? List.of() : r.attribution().stream()
                .map(a -> new Attribution(a.expert(), a.owner(), a.version(), a.weight(), a.tokens(), a.promptTokens())).toList();
    }

    static List<DroppedExpert> dropped(GenerateResult r) {
        return r.droppedExperts() == null ? List.of() : r.droppedExperts().stream()
                .map(d -> new DroppedExpert(d.expert(), d.layer(), d.reason())).toList();
    }

    static Usage usage(GenerateResult r) {
        return new Usage(r.usage().promptTokens(), r.usage().completionTokens(), r.usage().totalTokens());
    }
}
