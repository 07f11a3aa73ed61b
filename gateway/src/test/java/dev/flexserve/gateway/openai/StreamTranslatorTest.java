package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.flexserve.gateway.router.GenerateResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The router's events become OpenAI chunks, in order, with the final chunk's attribution and the usage chunk. */
class StreamTranslatorTest {
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    static final String RESULT = "{\"id\": \"r1\", \"text\": \"Hi!\", \"tokens\": [72, 105, 33], \"finish_reason\": \"length\", "
            + "\"usage\": {\"prompt_tokens\": 4, \"completion_tokens\": 3, \"total_tokens\": 7}, "
            + "\"attribution\": [{\"expert\": \"public\", \"owner\": \"public\", \"version\": \"v\", \"weight\": 1.0, \"tokens\": 3, \"prompt_tokens\": 4}], "
            + "\"dropped_experts\": [], \"error\": null}";

    @Test
    void chatChunksCarryTheRoleFirstThenDeltasThenTheEndThenUsage() throws Exception {
        List<GenerateResult> results = new ArrayList<>();
        StreamTranslator t = new StreamTranslator(JSON, ChatShape.INSTANCE, "chatcmpl-1", 1700000000L, "m", true, results::add);
        List<String> out = new ArrayList<>();
        for (String event : List.of("{\"id\": \"r1\", \"token\": 72, \"text\": \"H\"}", "{\"id\": \"r1\", \"token\": 200, \"text\": \"\"}",
                "{\"id\": \"r1\", \"token\": 105, \"text\": \"i!\"}", RESULT, "[DONE]")) {
            out.addAll(t.translate(event));
        }
        assertThat(out).hasSize(5);
        JsonNode first = JSON.readTree(out.get(0));
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("id").asText()).isEqualTo("chatcmpl-1");
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("H");
        assertThat(first.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(first.has("usage") && first.get("usage").isNull()).as("usage: null on every chunk when usage was asked for").isTrue();
        JsonNode second = JSON.readTree(out.get(1));
        assertThat(second.at("/choices/0/delta").has("role")).isFalse();
        assertThat(second.at("/choices/0/delta/content").asText()).isEqualTo("i!");
        JsonNode end = JSON.readTree(out.get(2));
        assertThat(end.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(end.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(end.at("/attribution/0/expert").asText()).isEqualTo("public");
        assertThat(end.at("/attribution/0/prompt_tokens").asInt()).isEqualTo(4);
        JsonNode usage = JSON.readTree(out.get(3));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(7);
        assertThat(out.get(4)).isEqualTo("[DONE]");
        assertThat(results).singleElement().satisfies(r -> assertThat(r.usage().totalTokens()).isEqualTo(7));
        assertThat(t.tokensSeen()).isEqualTo(3);
    }

    @Test
    void completionChunksCarryTextAndAnErrorEventStaysAnEnvelope() throws Exception {
        StreamTranslator t = new StreamTranslator(JSON, CompletionShape.INSTANCE, "cmpl-1", 1L, "m", false, r -> { });
        JsonNode chunk = JSON.readTree(t.translate("{\"id\": \"r\", \"token\": 65, \"text\": \"A\"}").get(0));
        assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
        assertThat(chunk.at("/choices/0/text").asText()).isEqualTo("A");
        assertThat(chunk.has("usage")).isFalse();
        List<String> end = t.translate(RESULT);
        assertThat(end).as("no usage chunk unless asked for").hasSize(1);
        String error = "{\"error\": {\"message\": \"expert gone\", \"type\": \"server_error\", \"param\": null, \"code\": null}}";
        assertThat(JSON.readTree(t.translate(error).get(0)).at("/error/message").asText()).isEqualTo("expert gone");
    }
}
