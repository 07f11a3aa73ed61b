package dev.flexserve.expert.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The expert's Prometheus metrics (DESIGN.md §6), registered at startup so every series exists from the first
 * scrape:
 * <ul>
 *   <li>{@code flexserve_expert_requests_total{expert,owner,outcome}}: Forward calls by outcome</li>
 *   <li>{@code flexserve_expert_inference_seconds{expert}}: time of successful Forward inferences (histogram)</li>
 *   <li>{@code flexserve_expert_rows_total{expert}}: rows computed by successful Forward calls</li>
 *   <li>{@code flexserve_expert_active{expert}}: 1 while active, 0 while deactivated</li>
 *   <li>{@code flexserve_expert_rows_in_flight{expert}}: rows of the Forward calls computing or waiting now (the
 *   per-expert load an autoscaler scales on)</li>
 * </ul>
 */
@Singleton
@Startup
public class ExpertMetrics {

    /** The {@code outcome} label of {@code flexserve_expert_requests_total}. */
    public enum Outcome {
        OK, REFUSED_INACTIVE, INVALID, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Timer inference;
    private final Counter rows;

    public ExpertMetrics(MeterRegistry registry, ExpertRuntime runtime) {
        for (Outcome outcome : Outcome.values()) {
            requests.put(outcome, Counter.builder("flexserve.expert.requests")
                    .description("Forward calls by outcome: ok, refused_inactive (deactivated), invalid (bad request), error")
                    .tag("expert", runtime.id())
                    .tag("owner", runtime.owner() == null ? "" : runtime.owner())
                    .tag("outcome", outcome.label())
                    .register(registry));
        }
        inference = Timer.builder("flexserve.expert.inference")
                .description("ONNX Runtime time of successful Forward calls (one layer, one batch of rows)")
                .tag("expert", runtime.id())
                .serviceLevelObjectives(millis(0.1), millis(0.25), millis(0.5), millis(1), millis(2.5), millis(5),
                        millis(10), millis(25), millis(50), millis(100), millis(250), millis(500), millis(1000),
                        millis(2500))
                .register(registry);
        rows = Counter.builder("flexserve.expert.rows")
                .description("Rows computed by successful Forward calls")
                .tag("expert", runtime.id())
                .register(registry);
        Gauge.builder("flexserve.expert.active", runtime, r -> r.isActive() ? 1 : 0)
                .description("1 while the expert is active, 0 while deactivated")
                .tag("expert", runtime.id())
                .strongReference(true)
                .register(registry);
        Gauge.builder("flexserve.expert.rows.in.flight", runtime, ExpertRuntime::rowsInFlight)
                .description("Rows of the Forward calls computing or waiting now")
                .tag("expert", runtime.id())
                .strongReference(true)
                .register(registry);
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1_000_000));
    }

    public void count(Outcome outcome) {
        requests.get(outcome).increment();
    }

    public Timer inference() {
        return inference;
    }

    public void rows(int count) {
        rows.increment(count);
    }
}
