package dev.flexserve.gateway.operations;

import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads a platform service's open diagnostics — {@code /q/health/ready} and {@code /q/metrics}, which every service
 * serves without the internal credential so that probes can read them — with a short timeout: the operator view
 * must show a hung service as down, not hang with it.
 */
@ApplicationScoped
public class ServiceProbe {
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** What a service's readiness endpoint answered. */
    public record Health(String status, String detail) {
        static final String UP = "up";
        static final String DOWN = "down";
        static final String UNREACHABLE = "unreachable";
    }

    public Health health(URI base) {
        try {
            HttpResponse<String> r = get(base.resolve("/q/health/ready"));
            return r.statusCode() == 200 ? new Health(Health.UP, null)
                    : new Health(Health.DOWN, "readiness answered HTTP " + r.statusCode());
        } catch (IOException e) {
            return new Health(Health.UNREACHABLE, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health(Health.UNREACHABLE, "interrupted");
        }
    }

    /** The service's Prometheus metrics, or null when it cannot be reached or does not answer 200. */
    public PrometheusText metrics(URI base) {
        try {
            HttpResponse<String> r = get(base.resolve("/q/metrics"));
            return r.statusCode() == 200 ? PrometheusText.parse(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
