package dev.flexserve.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * Where a platform run's time went, from the services' own Prometheus timers, as the difference of two scrapes:
 * the router's engine steps, the expert calls as the router sees them (RPC plus the expert's work), and the
 * experts' ONNX Runtime time as each expert-service measures it.
 */
final class TimeBreakdown {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Snapshot(double stepSeconds, double steps, double callSeconds, double calls, double inferenceSeconds, double inferences) {
        Snapshot minus(Snapshot o) {
            return new Snapshot(stepSeconds - o.stepSeconds, steps - o.steps, callSeconds - o.callSeconds, calls - o.calls,
                    inferenceSeconds - o.inferenceSeconds, inferences - o.inferences);
        }
    }

    static Snapshot scrape(String router, Iterable<String> experts) throws IOException, InterruptedException {
        String r = get(router + "/q/metrics");
        double inference = 0;
        double inferences = 0;
        for (String e : experts) {
            String m = get(e + "/q/metrics");
            inference += sum(m, "flexserve_expert_inference_seconds_sum");
            inferences += sum(m, "flexserve_expert_inference_seconds_count");
        }
        return new Snapshot(sum(r, "flexserve_engine_step_seconds_sum"), sum(r, "flexserve_engine_step_seconds_count"),
                sum(r, "flexserve_expert_call_seconds_sum"), sum(r, "flexserve_expert_call_seconds_count"), inference, inferences);
    }

    static String describe(Snapshot d, double wallSeconds) {
        double callMs = 1000 * d.callSeconds() / Math.max(1, d.calls());
        double ortMs = 1000 * d.inferenceSeconds() / Math.max(1, d.inferences());
        return String.format(Locale.ROOT, """
                | measured in the 32-stream run | value |
                |---|---:|
                | engine steps | %.0f, %.2f ms each, %.0f%% of the wall time |
                | remote expert calls | %.0f (%.1f per step) |
                | one call as the router sees it (RPC + expert) | %.3f ms |
                | one call's ONNX Runtime time inside the expert-service | %.3f ms |
                | transport per call (serialisation, gRPC, HTTP/2, thread hand-offs) | %.3f ms |
                """, d.steps(), 1000 * d.stepSeconds() / Math.max(1, d.steps()), 100 * d.stepSeconds() / wallSeconds,
                d.calls(), d.calls() / Math.max(1, d.steps()), callMs, ortMs, callMs - ortMs);
    }

    private static double sum(String metrics, String name) {
        double s = 0;
        for (String line : (Iterable<String>) metrics.lines()::iterator) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                s += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return s;
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
