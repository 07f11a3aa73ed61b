package dev.flexserve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * N concurrent SSE streams against a running router-service (with the platform's internal credential); token times
 * are taken where the client sees them.
 */
final class PlatformDriver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String router;
    private final String credential;

    PlatformDriver(String router, String internalSecret) {
        this.router = router;
        this.credential = "Bearer " + internalSecret;
    }

    LatencyStats run(List<int[]> prompts, int maxTokens) {
        long start = System.nanoTime();
        List<CompletableFuture<long[]>> streams = new ArrayList<>();
        for (int[] p : prompts) {
            String body = "{\"prompt_tokens\": " + Arrays.toString(p) + ", \"max_tokens\": " + maxTokens + ", \"temperature\": 0}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(router + "/internal/v1/generate/stream"))
                    .header("Authorization", credential)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            streams.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("router answered " + r.statusCode());
                }
                List<Long> times = new ArrayList<>();
                r.body().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).forEach(line -> {
                    if (line.startsWith("{\"id\"") || line.contains("\"token\"")) {
                        try {
                            JsonNode e = JSON.readTree(line);
                            if (e.has("token") && !e.has("usage")) {
                                times.add(System.nanoTime());
                            }
                        } catch (IOException ex) {
                            throw new IllegalStateException(ex);
                        }
                    }
                });
                return times.stream().mapToLong(Long::longValue).toArray();
            }));
        }
        List<Long> gaps = new ArrayList<>();
        long tokens = 0;
        for (CompletableFuture<long[]> f : streams) {
            long[] t = f.join();
            tokens += t.length;
            for (int i = 1; i < t.length; i++) {
                gaps.add(t[i] - t[i - 1]);
            }
        }
        long wall = System.nanoTime() - start;
        return LatencyStats.of(prompts.size(), tokens, wall, gaps.stream().mapToLong(Long::longValue).toArray());
    }
}
