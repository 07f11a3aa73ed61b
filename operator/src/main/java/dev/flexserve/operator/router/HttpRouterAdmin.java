package dev.flexserve.operator.router;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls the router's {@code /admin/experts/{id}/...} endpoints with the platform credential
 * ({@code Authorization: Bearer <flexserve.internal.secret>}).
 */
public class HttpRouterAdmin implements RouterAdmin {
    private final URI base;
    private final String secret;
    private final Duration timeout;
    private final HttpClient http;

    public HttpRouterAdmin(URI base, String secret, Duration timeout) {
        this.base = base;
        this.secret = secret;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public void ready(String id, String endpoint) {
        // The endpoint is a host:port of a Service name: no character in it needs JSON escaping, but escape anyway.
        String body = "{\"endpoint\":\"" + endpoint.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        int status = post(id, "ready", HttpRequest.BodyPublishers.ofString(body), true);
        if (status / 100 != 2) {
            throw new RouterCallFailedException("router refused ready of expert " + id + ": HTTP " + status);
        }
    }

    @Override
    public void deactivate(String id) {
        int status = post(id, "deactivate", HttpRequest.BodyPublishers.noBody(), false);
        // 404: the router does not know it (never registered), 409: already revoked: either way it does not route.
        if (status / 100 != 2 && status != 404 && status != 409) {
            throw new RouterCallFailedException("router refused deactivate of expert " + id + ": HTTP " + status);
        }
    }

    @Override
    public void revoke(String id) {
        int status = post(id, "revoke", HttpRequest.BodyPublishers.noBody(), false);
        if (status / 100 != 2 && status != 404 && status != 409) {
            throw new RouterCallFailedException("router refused revoke of expert " + id + ": HTTP " + status);
        }
    }

    private int post(String id, String action, HttpRequest.BodyPublisher body, boolean json) {
        URI uri = base.resolve("/admin/experts/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/" + action);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + secret)
                .POST(body);
        if (json) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new RouterCallFailedException("router unreachable for " + action + " of expert " + id + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RouterCallFailedException("interrupted during " + action + " of expert " + id, e);
        }
    }
}
