package dev.flexserve.bench;

import java.util.Arrays;

/** Throughput and inter-token latency percentiles of one benchmark run. */
record LatencyStats(int streams, long tokens, double seconds, double p50Millis, double p99Millis) {

    double tokensPerSecond() {
        return tokens / seconds;
    }

    /** @param gapsNanos gaps between consecutive tokens of the same stream, any order */
    static LatencyStats of(int streams, long tokens, long wallNanos, long[] gapsNanos) {
        long[] sorted = gapsNanos.clone();
        Arrays.sort(sorted);
        return new LatencyStats(streams, tokens, wallNanos / 1e9, percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    /** The {@code q} quantile of {@code sorted} nanoseconds, in milliseconds. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
