package dev.flexserve.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.cli.identity.Keycloak;
import dev.flexserve.cli.identity.KeycloakDistribution;
import dev.flexserve.cli.up.Platform;
import dev.flexserve.model.demo.DemoModels;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the gateway adds to a request: the same one-token completion sent, in alternation, (a) to the router-service
 * directly with the internal credential and (b) through the gateway with a Keycloak access token (validation, the
 * OpenAI translation, the extra hop), on one platform in one run. Prints p50 and p99 of each and of the paired
 * differences b - a, and what the attribution hand-off (Kafka's acknowledgement) adds to every response of both, from
 * the router's own timer. Demo models; sequential requests on keep-alive connections.
 *
 * <pre>java -cp bench/target/flexserve-bench.jar dev.flexserve.bench.GatewayBenchmark [--home .] [--requests 500] [--warmup 100]</pre>
 */
public final class GatewayBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path home = Path.of(StreamBenchmark.arg(args, "--home", "."));
        int requests = Integer.parseInt(StreamBenchmark.arg(args, "--requests", "500"));
        int warmup = Integer.parseInt(StreamBenchmark.arg(args, "--warmup", "100"));
        Path work = Files.createTempDirectory("flexserve-gateway-bench");
        Path models = work.resolve("models");
        DemoModels.write(models);
        try (Keycloak keycloak = Keycloak.start(work, Platform.port(0), KeycloakDistribution.defaultCache(), List.of("acme"));
             Platform platform = Platform.start(new Platform.Settings(home, models, work, Platform.Ports.any(),
                     List.of("-Xmx512m", "-XX:+UseSerialGC"), List.of("-Xmx256m", "-XX:+UseSerialGC"),
                     List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dflexserve.gateway.quota.requests-per-minute=1000000")), keycloak)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String token = keycloak.identities().token("acme", "consumer");
            long tokenAt = System.nanoTime();
            String model = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(platform.gateway().url() + "/v1/models"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body()).at("/data/0/id").asText();
            String prompt = Arrays.toString(new int[]{84, 104, 101, 32, 99, 111, 109, 109, 105, 116, 116, 101, 101, 32, 109, 101, 116});
            HttpRequest direct = platform.internal(platform.router().url() + "/internal/v1/generate")
                    .header("Content-Type", "application/json").header("X-FlexServe-Organization", "acme")
                    .header("X-FlexServe-Subject", "bench").header("X-FlexServe-Roles", "consumer")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt_tokens\": " + prompt + ", \"max_tokens\": 1, \"temperature\": 0}")).build();
            String gatewayBody = "{\"model\": \"" + model + "\", \"prompt\": " + prompt + ", \"max_tokens\": 1, \"temperature\": 0}";
            long[] a = new long[requests];
            long[] b = new long[requests];
            long[] diff = new long[requests];
            for (int i = -warmup; i < requests; i++) {
                if (System.nanoTime() - tokenAt > 240_000_000_000L) {
                    token = keycloak.identities().token("acme", "consumer");
                    tokenAt = System.nanoTime();
                }
                HttpRequest viaGateway = HttpRequest.newBuilder(URI.create(platform.gateway().url() + "/v1/completions"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(gatewayBody)).build();
                long ta = time(http, direct);
                long tb = time(http, viaGateway);
                if (i >= 0) {
                    a[i] = ta;
                    b[i] = tb;
                    diff[i] = tb - ta;
                }
            }
            Arrays.sort(a);
            Arrays.sort(b);
            Arrays.sort(diff);
            System.out.printf(Locale.ROOT, "%n## Gateway overhead, %s, %d cores, demo models, %d one-token completions each way (after %d warm-up)%n%n",
                    LocalDate.now(), Runtime.getRuntime().availableProcessors(), requests, warmup);
            System.out.println("| path | p50 ms | p99 ms |");
            System.out.println("|---|---:|---:|");
            System.out.printf(Locale.ROOT, "| (a) router-service directly | %.3f | %.3f |%n", LatencyStats.percentile(a, 0.5), LatencyStats.percentile(a, 0.99));
            System.out.printf(Locale.ROOT, "| (b) gateway with a Keycloak token | %.3f | %.3f |%n", LatencyStats.percentile(b, 0.5), LatencyStats.percentile(b, 0.99));
            System.out.printf(Locale.ROOT, "| b - a, paired per iteration | %.3f | %.3f |%n", LatencyStats.percentile(diff, 0.5), LatencyStats.percentile(diff, 0.99));
            String metrics = http.send(HttpRequest.newBuilder(URI.create(platform.router().url() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            System.out.printf(Locale.ROOT, "| within (a) and (b): the attribution hand-off (router's timer, Kafka acknowledged) | %.3f | %.3f |%n",
                    quantile(metrics, "0.5"), quantile(metrics, "0.99"));
        }
    }

    /** A quantile of the router's hand-off timer, in milliseconds. */
    private static double quantile(String metrics, String q) {
        return metrics.lines().filter(l -> l.startsWith("flexserve_attribution_handoff_seconds{") && l.contains("quantile=\"" + q + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) * 1000).findFirst().orElse(Double.NaN);
    }

    private static long time(HttpClient http, HttpRequest request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - start;
        if (r.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return elapsed;
    }
}
