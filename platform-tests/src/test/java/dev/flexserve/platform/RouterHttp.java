package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * HTTP calls to the router's internal API as the platform makes them: with the installation's internal credential
 * ({@link #useCredential}) and, for calls on behalf of an organization, the identity headers the gateway sets.
 */
final class RouterHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static volatile String credential;

    private RouterHttp() {
    }

    /** The internal secret every later call presents. */
    static void useCredential(String secret) {
        credential = "Bearer " + secret;
    }

    private static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", credential);
    }

    record Reply(int status, JsonNode body) {
    }

    static Reply post(String url, String json) {
        return post(url, json, null);
    }

    /** A call on behalf of a consumer of {@code organization} (null: the platform itself). */
    static Reply post(String url, String json, String organization) {
        HttpRequest.Builder b = request(url).timeout(Duration.ofMinutes(2));
        if (organization != null) {
            b.header("X-FlexServe-Organization", organization).header("X-FlexServe-Subject", "a-consumer-of-" + organization)
                    .header("X-FlexServe-Roles", "consumer");
        }
        b = json == null ? b.POST(HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        return send(b.build());
    }

    static Reply put(String url, String json) {
        return send(request(url).timeout(Duration.ofMinutes(1))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static String text(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server-sent-events stream in progress: its data events as they arrive, and the final response. */
    static final class Stream {
        final List<JsonNode> tokens = new ArrayList<>();
        final CountDownLatch firstTokens;
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();

        Stream(CountDownLatch firstTokens) {
            this.firstTokens = firstTokens;
        }
    }

    /** Starts a streaming generation; {@code started} is counted down once the stream has two tokens. */
    static Stream stream(String url, String json, CountDownLatch started) {
        Stream s = new Stream(started);
        HttpRequest request = request(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).whenComplete((r, failure) -> {
            if (failure != null) {
                s.result.completeExceptionally(failure);
                return;
            }
            try (java.util.stream.Stream<String> lines = r.body()) {
                JsonNode last = null;
                for (String line : (Iterable<String>) lines.filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim())::iterator) {
                    if (line.equals("[DONE]")) {
                        break;
                    }
                    JsonNode event = JSON.readTree(line);
                    if (event.has("token") && !event.has("usage")) {
                        synchronized (s.tokens) {
                            s.tokens.add(event);
                            if (s.tokens.size() == 2) {
                                s.firstTokens.countDown();
                            }
                        }
                    } else {
                        last = event;
                    }
                }
                s.result.complete(last);
            } catch (IOException | RuntimeException e) {
                s.result.completeExceptionally(e);
            }
        });
        return s;
    }

    /** The sum of a Prometheus counter's samples whose labels contain {@code labelMatch}. */
    static double counter(String metricsText, String name, String labelMatch) {
        double sum = 0;
        for (String line : (Iterable<String>) metricsText.lines()::iterator) {
            if (line.startsWith(name + "{") && line.contains(labelMatch)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
