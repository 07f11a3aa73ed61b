package dev.flexserve.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.sampling.SamplingParams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Calls a running platform's gateway with a bearer token: completions through its OpenAI API (the model is the one
 * {@code GET /v1/models} lists) and plain GETs such as usage reports. An error answer becomes its one-line message.
 */
public final class GatewayClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;
    private final String token;
    private final String organization;

    public GatewayClient(String url, String token, String organization) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        this.organization = organization;
    }

    public record Reply(String text, String json) {
    }

    public Reply complete(String prompt, SamplingParams p, List<String> include, List<String> exclude) {
        ObjectNode body = JSON.createObjectNode().put("model", model()).put("prompt", prompt).put("max_tokens", p.maxTokens())
                .put("temperature", p.temperature()).put("top_p", p.topP()).put("top_k", p.topK());
        if (p.seed() != null) {
            body.put("seed", p.seed());
        }
        p.stop().forEach(body.withArray("stop")::add);
        ObjectNode experts = JSON.createObjectNode();
        if (include != null) {
            include.forEach(experts.withArray("include")::add);
        }
        exclude.forEach(experts.withArray("exclude")::add);
        if (!experts.isEmpty()) {
            body.set("experts", experts);
        }
        JsonNode answer = send(request("/v1/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        return new Reply(answer.at("/choices/0/text").asText(), answer.toString());
    }

    /** A GET of {@code path} (with its query), its JSON answer. */
    public JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    private String model() {
        JsonNode models = get("/v1/models");
        JsonNode first = models.at("/data/0/id");
        if (first.isMissingNode()) {
            throw new IllegalArgumentException("the gateway at " + base + " lists no model");
        }
        return first.asText();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
        if (organization != null) {
            b.header("OpenAI-Organization", organization);
        }
        return b;
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode answer;
            try {
                answer = JSON.readTree(r.body());
            } catch (IOException notJson) {
                throw new IllegalArgumentException("the gateway answered " + r.statusCode() + " with something other than JSON");
            }
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException("the gateway answered " + r.statusCode() + ": " + answer.at("/error/message").asText(r.body()));
            }
            return answer;
        } catch (ConnectException e) {
            throw new IllegalArgumentException("no gateway at " + base + " (start the platform with 'flexserve up')");
        } catch (IOException e) {
            throw new UncheckedIOException("calling " + base + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
