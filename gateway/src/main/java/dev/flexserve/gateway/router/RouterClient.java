package dev.flexserve.gateway.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.errors.OpenAiError;
import dev.flexserve.gateway.errors.UpstreamException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's HTTP client of the router-service's internal API. Every call carries the platform's internal
 * credential and the caller's identity ({@code X-FlexServe-Organization}, {@code -Subject}, {@code -Roles}, as the
 * router's {@code CallerHeaders} read them) and the request id; nothing is cached, so a revocation or a policy
 * change is seen by the very next call. A non-2xx answer fails the call with an {@link UpstreamException} carrying
 * the router's status and error envelope.
 */
@ApplicationScoped
public class RouterClient {
    public static final String ORGANIZATION = "X-FlexServe-Organization";
    public static final String SUBJECT = "X-FlexServe-Subject";
    public static final String ROLES = "X-FlexServe-Roles";
    public static final String REQUEST_ID = "X-Request-Id";

    private final HttpClient http;
    private final ObjectMapper json;
    private final RouterSettings settings;
    private final String credential;

    public RouterClient(Vertx vertx, ObjectMapper json, RouterSettings settings,
                        @ConfigProperty(name = "flexserve.internal.secret") String secret) {
        if (secret.length() < 32) {
            throw new IllegalStateException("flexserve.internal.secret must be at least 32 characters");
        }
        this.json = json;
        this.settings = settings;
        this.credential = "Bearer " + secret;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setDefaultHost(settings.url().getHost()).setDefaultPort(settings.url().getPort())
                .setMaxPoolSize(settings.maxConnections()).setKeepAlive(true).setTcpNoDelay(true));
    }

    public Uni<JsonNode> get(String path, Caller caller, String requestId) {
        return call(HttpMethod.GET, path, null, caller, requestId);
    }

    public Uni<JsonNode> post(String path, Object body, Caller caller, String requestId) {
        return call(HttpMethod.POST, path, body, caller, requestId);
    }

    public Uni<JsonNode> put(String path, Object body, Caller caller, String requestId) {
        return call(HttpMethod.PUT, path, body, caller, requestId);
    }

    /** A server-sent-event stream of the router: the {@code data:} payload of every event, {@code [DONE]} included. */
    public Uni<Multi<String>> stream(String path, Object body, Caller caller, String requestId) {
        return send(HttpMethod.POST, path, body, caller, requestId).onItem().transformToUni(response -> {
            if (response.statusCode() != 200) {
                return response.body().onItem().transform(b -> {
                    throw failure(response.statusCode(), b);
                });
            }
            // A client that goes away closes the connection to the router too, rather than leave it reading.
            return Uni.createFrom().item(new SseEvents().data(response.toMulti())
                    .onCancellation().invoke(() -> response.request().reset()));
        });
    }

    private Uni<JsonNode> call(HttpMethod method, String path, Object body, Caller caller, String requestId) {
        return send(method, path, body, caller, requestId).onItem().transformToUni(response -> response.body().onItem().transform(b -> {
            if (response.statusCode() / 100 != 2) {
                throw failure(response.statusCode(), b);
            }
            return read(b);
        }));
    }

    private Uni<HttpClientResponse> send(HttpMethod method, String path, Object body, Caller caller, String requestId) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
                .setTimeout(settings.timeout().toMillis())
                .putHeader("Authorization", credential)
                .putHeader(ORGANIZATION, caller.organization())
                .putHeader(SUBJECT, caller.subject())
                .putHeader(ROLES, String.join(",", caller.roles()))
                .putHeader(REQUEST_ID, requestId);
        Buffer payload;
        try {
            payload = body == null ? null : Buffer.buffer(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot write a router request", e));
        }
        if (payload != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return http.request(options)
                .onItem().transformToUni(request -> payload == null ? request.send() : request.send(payload))
                .onFailure(f -> !(f instanceof UpstreamException)).transform(f -> UpstreamException.unreachable("router-service", f));
    }

    private UpstreamException failure(int status, Buffer body) {
        try {
            OpenAiError envelope = json.readValue(body.getBytes(), OpenAiError.class);
            if (envelope.error() != null && envelope.error().message() != null) {
                return new UpstreamException(status, envelope);
            }
        } catch (java.io.IOException notAnEnvelope) {
            // Fall through: describe the status.
        }
        return new UpstreamException(status >= 500 ? 502 : status, OpenAiError.of(status >= 500 ? 502 : status,
                "the router-service answered " + status + " without an error envelope", null, null));
    }

    private JsonNode read(Buffer body) {
        try {
            return json.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the router-service answered something other than JSON", e);
        }
    }

    @PreDestroy
    void close() {
        http.closeAndAwait();
    }
}
