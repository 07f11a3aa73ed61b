package dev.flexserve.gateway.operations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The samples of a Prometheus text exposition ({@code /q/metrics}), enough to read gauges, counters and histograms:
 * {@code name{label="value",...} number}. Comments and malformed lines are skipped: a service's metrics are
 * diagnostics, and one odd line must not hide the others.
 */
public final class PrometheusText {
    /** One sample: the metric name, its labels and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Sample s = sample(line);
            if (s != null) {
                out.add(s);
            }
        }
        return new PrometheusText(out);
    }

    public List<Sample> samples(String name) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The sum of every sample of {@code name} over all label sets (0 when there is none). */
    public double sum(String name) {
        double total = 0;
        for (Sample s : samples(name)) {
            total += s.value();
        }
        return total;
    }

    public boolean has(String name) {
        return !samples(name).isEmpty();
    }

    /**
     * The upper bound of the histogram bucket that holds quantile {@code q} of {@code name}'s observations (summed
     * over label sets), or null without observations. An estimate at bucket resolution, which is all a histogram holds.
     */
    public Double quantile(String name, double q) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (Sample s : samples(name + "_bucket")) {
            String le = s.labels().get("le");
            if (le == null) {
                continue;
            }
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            buckets.merge(bound, s.value(), Double::sum);
        }
        if (buckets.isEmpty() || buckets.lastEntry().getValue() <= 0) {
            return null;
        }
        double rank = q * buckets.lastEntry().getValue();
        for (Map.Entry<Double, Double> b : buckets.entrySet()) {
            if (b.getValue() >= rank) {
                return b.getKey().isInfinite() ? null : b.getKey();
            }
        }
        return null;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space;
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0 && brace < firstSpace(line)) {
            int close = line.indexOf('}', brace);
            if (close < 0) {
                return null;
            }
            name = line.substring(0, brace);
            if (!labels(line.substring(brace + 1, close), labels)) {
                return null;
            }
            space = close + 1;
        } else {
            space = firstSpace(line);
            if (space < 0) {
                return null;
            }
            name = line.substring(0, space);
        }
        String[] rest = line.substring(space).strip().split("\\s+");
        try {
            return new Sample(name, labels, Double.parseDouble(rest[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int firstSpace(String line) {
        int i = line.indexOf(' ');
        return i < 0 ? line.length() : i;
    }

    private static boolean labels(String body, Map<String, String> out) {
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            if (eq < 0 || eq + 1 >= body.length() || body.charAt(eq + 1) != '"') {
                return body.substring(i).isBlank();
            }
            String key = body.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (j < body.length() && body.charAt(j) != '"') {
                char c = body.charAt(j);
                if (c == '\\' && j + 1 < body.length()) {
                    char n = body.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
                j++;
            }
            if (j >= body.length()) {
                return false;
            }
            out.put(key, value.toString());
            i = j + 1;
            while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
                i++;
            }
        }
        return true;
    }
}
