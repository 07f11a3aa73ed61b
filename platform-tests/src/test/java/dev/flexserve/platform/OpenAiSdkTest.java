package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The official OpenAI Java SDK drives the gateway unchanged: completions and chat, streaming and not, the expert
 * opt-out as an extra body field. Greedy text through the gateway equals the router's own answer for the same prompt
 * and expert set, and streamed text equals the text of the same request without streaming.
 */
@Order(3)
@ExtendWith(GatewayPlatform.class)
class OpenAiSdkTest {
    static final String PROMPT = "The committee met on";
    static GatewayPlatform.Running p;
    static OpenAIClient client;
    static String model;

    @BeforeAll
    static void connect() {
        p = GatewayPlatform.running();
        client = OpenAIOkHttpClient.builder().baseUrl(p.gateway() + "/v1").apiKey(p.token("acme", "consumer"))
                .maxRetries(0).timeout(Duration.ofMinutes(2)).build();
        List<Model> models = client.models().list().data();
        assertThat(models).hasSize(1);
        model = models.get(0).id();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void completionsEqualTheRoutersAnswerAndStreamingEqualsNotStreaming() throws Exception {
        CompletionCreateParams params = CompletionCreateParams.builder().model(model).prompt(PROMPT).maxTokens(16).temperature(0.0)
                .putAdditionalBodyProperty("experts", JsonValue.from(Map.of("exclude", List.of("expert-2")))).build();
        Completion whole = client.completions().create(params);
        String text = whole.choices().get(0).text();
        JsonNode router = routerGenerate("{\"prompt\": \"" + PROMPT + "\", \"max_tokens\": 16, \"temperature\": 0, "
                + "\"experts\": {\"exclude\": [\"expert-2\"]}}");
        assertEquals(router.get("text").asText(), text, "the gateway returns the router's text");
        assertEquals(router.at("/usage/completion_tokens").asLong(), whole.usage().orElseThrow().completionTokens());
        assertThat(attributedExperts(whole._additionalProperties().get("attribution"))).doesNotContain("expert-2").contains("public");

        StringBuilder streamed = new StringBuilder();
        String finish = null;
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params)) {
            for (Completion chunk : (Iterable<Completion>) stream.stream()::iterator) {
                for (var c : chunk.choices()) {
                    streamed.append(c.text());
                    if (c._finishReason().asKnown().isPresent()) {
                        finish = c._finishReason().asKnown().get().asString();
                    }
                }
            }
        }
        assertEquals(text, streamed.toString(), "streamed text equals the text without streaming");
        assertEquals(whole.choices().get(0).finishReason().asString(), finish);
    }

    @Test
    void chatEqualsTheRoutersAnswerOnTheTranscriptAndStreamsWithUsage() throws Exception {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage("A conversation.").addUserMessage("Where did the committee meet?")
                .maxCompletionTokens(12).temperature(0.0)
                .putAdditionalBodyProperty("experts", JsonValue.from(Map.of("exclude", List.of("expert-1")))).build();
        ChatCompletion whole = client.chat().completions().create(params);
        String content = whole.choices().get(0).message().content().orElse("");
        // The documented template: system text, a blank line, "User: ..." and "Assistant:" to continue.
        JsonNode router = routerGenerate("{\"prompt\": \"A conversation.\\n\\nUser: Where did the committee meet?\\nAssistant:\", "
                + "\"max_tokens\": 12, \"temperature\": 0, \"stop\": [\"\\nUser:\"], \"experts\": {\"exclude\": [\"expert-1\"]}}");
        assertEquals(router.get("text").asText(), content);

        StringBuilder streamed = new StringBuilder();
        List<Long> usage = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append));
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            }
        }
        assertEquals(content, streamed.toString());
        assertEquals(List.of(whole.usage().orElseThrow().completionTokens()), usage, "one usage chunk, with the same count");
    }

    @Test
    void theSdkSeesTheGatewaysRefusalsAsOpenAiErrors() {
        OpenAIClient stranger = OpenAIOkHttpClient.builder().baseUrl(p.gateway() + "/v1").apiKey("not-a-token").maxRetries(0).build();
        OpenAIClient owner = OpenAIOkHttpClient.builder().baseUrl(p.gateway() + "/v1").apiKey(p.token("acme", "owner")).maxRetries(0).build();
        try {
            assertThatThrownBy(() -> stranger.models().list()).isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> owner.completions().create(CompletionCreateParams.builder().model(model).prompt("x").build()))
                    .isInstanceOf(PermissionDeniedException.class);
        } finally {
            stranger.close();
            owner.close();
        }
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model(model).prompt("x").n(2).build()))
                .isInstanceOf(com.openai.errors.BadRequestException.class).hasMessageContaining("'n' is not supported");
    }

    static JsonNode routerGenerate(String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(p.platform().internal(p.router() + "/internal/v1/generate")
                .header("Content-Type", "application/json").header("X-FlexServe-Subject", "test")
                .header("X-FlexServe-Organization", "acme").header("X-FlexServe-Roles", "consumer")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return GatewayHttp.JSON.readTree(r.body());
    }

    static List<String> attributedExperts(JsonValue attribution) {
        JsonNode node = GatewayHttp.JSON.valueToTree(attribution);
        return node.findValuesAsText("expert");
    }
}
