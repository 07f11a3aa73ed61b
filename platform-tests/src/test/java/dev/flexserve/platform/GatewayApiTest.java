package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.flexserve.platform.GatewayHttp.get;
import static dev.flexserve.platform.GatewayHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gateway's API contract with a valid consumer token: OpenAI's response shapes, every error in the OpenAI
 * envelope with its status (400, 404, 413, 429 with Retry-After), request ids accepted or generated and echoed,
 * parameters that change nothing accepted, and the OpenAPI document.
 */
@Order(2)
@ExtendWith(GatewayPlatform.class)
class GatewayApiTest {
    static GatewayPlatform.Running p;
    static String gateway;
    static String acme;
    static String model;

    @BeforeAll
    static void platform() {
        p = GatewayPlatform.running();
        gateway = p.gateway();
        acme = p.token("acme", "consumer");
        model = get(gateway + "/v1/models", acme).body().at("/data/0/id").asText();
    }

    @Test
    void aCompletionHasOpenAisShapeWithUsageAndAttribution() {
        GatewayHttp.Reply r = post(gateway + "/v1/completions", acme, "{\"model\": \"" + model
                + "\", \"prompt\": \"The committee\", \"max_tokens\": 5, \"temperature\": 0, \"n\": 1, \"user\": \"end-user-7\"}");
        assertEquals(200, r.status(), r.raw());
        JsonNode b = r.body();
        assertThat(b.get("id").asText()).startsWith("cmpl-");
        assertEquals("text_completion", b.get("object").asText());
        assertEquals(model, b.get("model").asText());
        assertThat(b.get("created").asLong()).isPositive();
        assertEquals(0, b.at("/choices/0/index").asInt());
        assertThat(b.at("/choices/0/logprobs").isNull()).isTrue();
        assertThat(b.at("/choices/0/finish_reason").asText()).isIn("length", "stop");
        int completion = b.at("/usage/completion_tokens").asInt();
        assertEquals(b.at("/usage/prompt_tokens").asInt() + completion, b.at("/usage/total_tokens").asInt());
        double weights = 0;
        for (JsonNode a : b.get("attribution")) {
            weights += a.get("weight").asDouble();
            assertThat(a.get("tokens").asInt()).isBetween(0, completion);
        }
        assertThat(weights).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).isPresent();
    }

    @Test
    void aChatCompletionHasOpenAisShape() {
        GatewayHttp.Reply r = post(gateway + "/v1/chat/completions", acme, "{\"model\": \"" + model
                + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}], \"max_tokens\": 4}");
        assertEquals(200, r.status(), r.raw());
        assertEquals("chat.completion", r.body().get("object").asText());
        assertThat(r.body().get("id").asText()).startsWith("chatcmpl-");
        assertEquals("assistant", r.body().at("/choices/0/message/role").asText());
        assertThat(r.body().at("/choices/0/message/content").isTextual()).isTrue();
    }

    @Test
    void requestIdsAreAcceptedOrGeneratedAndEchoed() throws Exception {
        HttpResponse<String> given = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + "/v1/completions"))
                .header("Authorization", "Bearer " + acme).header("Content-Type", "application/json").header("X-Request-Id", "client-id-42")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"prompt\": \"Hi\", \"max_tokens\": 2}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, given.statusCode(), given.body());
        assertEquals("client-id-42", given.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals("cmpl-client-id-42", GatewayHttp.JSON.readTree(given.body()).get("id").asText(), "the router named the response by it");
        HttpResponse<String> unfit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + "/v1/models"))
                .header("Authorization", "Bearer " + acme).header("X-Request-Id", "spaces and \"quotes\"").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unfit.headers().firstValue("X-Request-Id").orElseThrow()).startsWith("req-");
        assertThat(get(gateway + "/v1/models", null).headers().firstValue("X-Request-Id")).as("errors carry one too").isPresent();
    }

    @Test
    void badRequestsGetTheOpenAiEnvelopeWithTheRightStatus() {
        assertError(post(gateway + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": "), 400, "invalid_json");
        assertError(post(gateway + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": \"x\", \"temprature\": 1}"),
                400, "unknown_parameter");
        assertError(post(gateway + "/v1/completions", acme, "{\"model\": \"gpt-4\", \"prompt\": \"x\"}"), 404, "model_not_found");
        assertError(get(gateway + "/v1/models/gpt-4", acme), 404, "model_not_found");
        assertError(post(gateway + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": \"x\", \"logprobs\": 1}"),
                400, "unsupported_parameter");
        GatewayHttp.Reply range = post(gateway + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": \"x\", \"temperature\": 7}");
        assertEquals(400, range.status(), range.raw());
        assertThat(range.body().at("/error/message").asText()).contains("temperature must be between 0 and 2");
        GatewayHttp.Reply unknownExpert = post(gateway + "/v1/completions", acme, "{\"model\": \"" + model
                + "\", \"prompt\": \"x\", \"experts\": {\"exclude\": [\"nobody\"]}}");
        assertEquals(404, unknownExpert.status(), unknownExpert.raw());
        int context = get(gateway + "/v1/models", acme).body().at("/data/0/context_length").asInt();
        GatewayHttp.Reply overContext = post(gateway + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": \""
                + "x".repeat(context) + "\"}");
        assertEquals(400, overContext.status(), overContext.raw());
        assertThat(overContext.body().at("/error/message").asText()).contains("the context holds");
        GatewayHttp.Reply huge = post(gateway + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": \"" + "y".repeat(70_000) + "\"}");
        assertError(huge, 413, "request_too_large");
        byte[] small = ("{\"model\": \"" + model + "\", \"prompt\": \"x\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(URI.create(gateway + "/v1/completions"))
                .header("Authorization", "Bearer " + acme).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(small))).build());
        assertEquals(411, chunked.statusCode(), "a body of unannounced length: " + chunked.body());
        assertThat(chunked.body()).contains("\"code\":\"length_required\"");
        GatewayHttp.Reply policy = GatewayHttp.call("PUT", gateway + "/v1/experts/expert-1/policy", p.token("demo-org-1", "owner"),
                "{\"organizations\": [\"acme\"], \"windows\": [{\"from\": \"2026-02-01T00:00:00Z\", \"until\": \"2026-01-01T00:00:00Z\"}]}");
        assertEquals(400, policy.status(), policy.raw());
        assertThat(policy.body().at("/error/message").asText()).contains("must end after it starts");
        assertEquals("[\"*\"]", get(gateway + "/v1/experts/expert-1", p.token("demo-org-1", "owner")).body().at("/policy/organizations").toString(),
                "the refused policy changed nothing");
    }

    @Test
    void anOrganizationOverItsQuotaGets429WithRetryAfter() {
        String initech = p.token("initech", "consumer");
        String body = "{\"model\": \"" + model + "\", \"prompt\": \"Hi\", \"max_tokens\": 1}";
        for (int i = 0; i < GatewayPlatform.INITECH_REQUESTS_PER_MINUTE; i++) {
            assertEquals(200, post(gateway + "/v1/completions", initech, body).status());
        }
        GatewayHttp.Reply limited = post(gateway + "/v1/completions", initech, body);
        assertError(limited, 429, "rate_limit_exceeded");
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        assertEquals(200, post(gateway + "/v1/completions", acme, body).status(), "other organizations are not held back");
    }

    @Test
    void theOpenApiDocumentDescribesThePublicApi() {
        GatewayHttp.Reply doc = get(gateway + "/q/openapi?format=json", null);
        assertEquals(200, doc.status(), doc.raw());
        assertThat(doc.raw()).contains("/v1/completions", "/v1/chat/completions", "/v1/models", "/v1/experts/{id}/revoke");
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void assertError(GatewayHttp.Reply r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(code, r.errorCode(), r.raw());
        assertThat(r.body().at("/error/message").asText()).isNotBlank();
        assertThat(r.body().at("/error/type").asText()).isNotBlank();
    }
}
