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

/** HTTP calls to the platform's services, as a client would make them. */
final class RouterHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RouterHttp() {
    }

    record Reply(int status, JsonNode body) {
    }

    static Reply post(String url, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2));
        b = json == null ? b.POST(HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        return send(b.build());
    }

    static Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(1)).GET().build());
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
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
