package dev.flexserve.cli.generate;

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

/** Calls a running router-service's internal generation API; an error answer becomes its one-line message. */
final class RouterClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;

    RouterClient(String url) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    record Reply(String text, String json) {
    }

    Reply generate(String prompt, SamplingParams p, String organization, List<String> include, List<String> exclude) {
        ObjectNode body = JSON.createObjectNode().put("prompt", prompt).put("max_tokens", p.maxTokens())
                .put("temperature", p.temperature()).put("top_p", p.topP()).put("top_k", p.topK());
        if (p.seed() != null) {
            body.put("seed", p.seed());
        }
        p.stop().forEach(body.withArray("stop")::add);
        if (organization != null) {
            body.put("organization", organization);
        }
        if (include != null) {
            include.forEach(body.withArray("include")::add);
        }
        exclude.forEach(body.withArray("exclude")::add);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/internal/v1/generate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException("the router answered " + r.statusCode() + ": " + answer.at("/error/message").asText(r.body()));
            }
            return new Reply(answer.path("text").asText(), r.body());
        } catch (ConnectException e) {
            throw new IllegalArgumentException("no router-service at " + base + " (start one with 'flexserve up')");
        } catch (IOException e) {
            throw new UncheckedIOException("calling " + base + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
