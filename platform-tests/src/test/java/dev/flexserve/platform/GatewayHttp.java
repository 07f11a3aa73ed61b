package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** Calls to the gateway as an API client makes them: a bearer token (or none), JSON in, JSON out. */
final class GatewayHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayHttp() {
    }

    record Reply(int status, JsonNode body, HttpHeaders headers, String raw) {
        String errorCode() {
            return body == null ? null : body.at("/error/code").asText(null);
        }
    }

    /** {@code method} on {@code url} with {@code token} (null: no Authorization header) and a JSON body (or none). */
    static Reply call(String method, String url, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json") && !r.body().isEmpty()) {
                body = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), body, r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A completion streamed through the gateway: its chunks as they arrive, and the chunk that ended it. */
    static final class Stream {
        final List<JsonNode> chunks = new ArrayList<>();
        final CompletableFuture<JsonNode> last = new CompletableFuture<>();
        final CountDownLatch started;

        Stream(CountDownLatch started) {
            this.started = started;
        }

        String text() {
            StringBuilder b = new StringBuilder();
            synchronized (chunks) {
                chunks.forEach(c -> b.append(c.at("/choices/0/text").asText("")));
            }
            return b.toString();
        }
    }

    /** Starts a streaming completion; {@code started} is counted down once two chunks with text have arrived. */
    static Stream stream(String url, String token, String json, CountDownLatch started) {
        Stream s = new Stream(started);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).whenComplete((r, failure) -> {
            if (failure != null) {
                s.last.completeExceptionally(failure);
                return;
            }
            if (r.statusCode() != 200) {
                s.last.completeExceptionally(new IllegalStateException("gateway answered " + r.statusCode()));
                return;
            }
            try (java.util.stream.Stream<String> lines = r.body()) {
                JsonNode end = null;
                for (String line : (Iterable<String>) lines.filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim())::iterator) {
                    if (line.equals("[DONE]")) {
                        break;
                    }
                    JsonNode chunk = JSON.readTree(line);
                    if (chunk.at("/choices/0/finish_reason").isTextual() || chunk.has("error")) {
                        end = chunk;
                    } else {
                        synchronized (s.chunks) {
                            s.chunks.add(chunk);
                            if (s.chunks.size() == 2) {
                                s.started.countDown();
                            }
                        }
                    }
                }
                s.last.complete(end);
            } catch (IOException | RuntimeException e) {
                s.last.completeExceptionally(e);
            }
        });
        return s;
    }

    static Reply get(String url, String token) {
        return call("GET", url, token, null);
    }

    static Reply post(String url, String token, String json) {
        return call("POST", url, token, json);
    }
}
