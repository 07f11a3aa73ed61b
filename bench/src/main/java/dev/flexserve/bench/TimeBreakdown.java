package dev.flexserve.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a platform run's time went, from the services' own Prometheus series, as the difference of two scrapes:
 * the router's engine steps, the expert calls as the router sees them (RPC plus the expert's work, with percentiles
 * from the call histogram), the rows per call, and the experts' ONNX Runtime time as each expert-service measures it.
 */
final class TimeBreakdown {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** {@code callBuckets}: upper bound in seconds to cumulative count, summed over experts. */
    record Snapshot(double stepSeconds, double steps, double callSeconds, double calls, double inferenceSeconds,
                    double inferences, double rows, TreeMap<Double, Double> callBuckets) {
        Snapshot minus(Snapshot o) {
            TreeMap<Double, Double> b = new TreeMap<>();
            callBuckets.forEach((le, n) -> b.put(le, n - o.callBuckets.getOrDefault(le, 0.0)));
            return new Snapshot(stepSeconds - o.stepSeconds, steps - o.steps, callSeconds - o.callSeconds, calls - o.calls,
                    inferenceSeconds - o.inferenceSeconds, inferences - o.inferences, rows - o.rows, b);
        }

        double callMillis() {
            return 1000 * callSeconds / Math.max(1, calls);
        }

        double inferenceMillis() {
            return 1000 * inferenceSeconds / Math.max(1, inferences);
        }

        double rowsPerCall() {
            return rows / Math.max(1, inferences);
        }

        /**
         * The {@code q} quantile of the router-observed call time in milliseconds, interpolated linearly inside the
         * histogram bucket that holds it (as Prometheus' histogram_quantile does).
         */
        double callQuantileMillis(double q) {
            double total = callBuckets.isEmpty() ? 0 : callBuckets.lastEntry().getValue();
            if (total <= 0) {
                return Double.NaN;
            }
            double rank = q * total;
            double lowerBound = 0;
            double lowerCount = 0;
            for (Map.Entry<Double, Double> e : callBuckets.entrySet()) {
                if (e.getValue() >= rank) {
                    if (e.getKey().isInfinite()) {
                        return 1000 * lowerBound;
                    }
                    double inBucket = e.getValue() - lowerCount;
                    double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
                    return 1000 * (lowerBound + fraction * (e.getKey() - lowerBound));
                }
                lowerBound = e.getKey();
                lowerCount = e.getValue();
            }
            return 1000 * lowerBound;
        }
    }

    static Snapshot scrape(String router, Iterable<String> experts) throws IOException, InterruptedException {
        String r = get(router + "/q/metrics");
        double inference = 0;
        double inferences = 0;
        double rows = 0;
        for (String e : experts) {
            String m = get(e + "/q/metrics");
            inference += sum(m, "flexserve_expert_inference_seconds_sum");
            inferences += sum(m, "flexserve_expert_inference_seconds_count");
            rows += sum(m, "flexserve_expert_rows_total");
        }
        return new Snapshot(sum(r, "flexserve_engine_step_seconds_sum"), sum(r, "flexserve_engine_step_seconds_count"),
                sum(r, "flexserve_expert_call_seconds_sum"), sum(r, "flexserve_expert_call_seconds_count"), inference, inferences,
                rows, buckets(r, "flexserve_expert_call_seconds_bucket"));
    }

    static String describe(Snapshot d, double wallSeconds) {
        return String.format(Locale.ROOT, """
                | measured in the 32-stream run | value |
                |---|---:|
                | engine steps | %.0f, %.2f ms each, %.0f%% of the wall time |
                | remote expert calls | %.0f (%.1f per step, %.1f rows each) |
                | one call as the router sees it (RPC + expert): mean, p50, p99 | %.3f ms, %.3f ms, %.3f ms |
                | one call's ONNX Runtime time inside the expert-service | %.3f ms |
                | transport per call (mean call minus ONNX Runtime) | %.3f ms |
                """, d.steps(), 1000 * d.stepSeconds() / Math.max(1, d.steps()), 100 * d.stepSeconds() / wallSeconds,
                d.calls(), d.calls() / Math.max(1, d.steps()), d.rowsPerCall(), d.callMillis(), d.callQuantileMillis(0.5),
                d.callQuantileMillis(0.99), d.inferenceMillis(), d.callMillis() - d.inferenceMillis());
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

    private static TreeMap<Double, Double> buckets(String metrics, String name) {
        TreeMap<Double, Double> out = new TreeMap<>();
        for (String line : (Iterable<String>) metrics.lines()::iterator) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            int le = line.indexOf("le=\"");
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            out.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
        }
        return out;
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
