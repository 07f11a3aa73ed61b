package dev.flexserve.gateway.internal;

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

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;

/**
 * An HTTP client of one internal platform service (the router-service, the attribution-service). Every call carries
 * the platform's internal credential and the caller's identity ({@code X-FlexServe-Organization}, {@code -Subject},
 * {@code -Roles}, as the services' {@code CallerHeaders} read them) and the request id; nothing is cached. An answer
 * other than 2xx fails the call with an {@link UpstreamException} carrying the service's status and error envelope;
 * a service that cannot be reached is a 503.
 */
public final class InternalService implements AutoCloseable {
    public static final String ORGANIZATION = "X-FlexServe-Organization";
    public static final String SUBJECT = "X-FlexServe-Subject";
    public static final String ROLES = "X-FlexServe-Roles";
    public static final String REQUEST_ID = "X-Request-Id";

    private final String name;
    private final URI url;
    private final HttpClient http;
    private final java.net.http.HttpClient uploads = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json;
    private final Duration timeout;
    private final String credential;

    public InternalService(String name, URI url, int maxConnections, Duration timeout, String secret, Vertx vertx, ObjectMapper json) {
        if (secret.length() < 32) {
            throw new IllegalStateException("flexserve.internal.secret must be at least 32 characters");
        }
        this.name = name;
        this.url = url;
        this.json = json;
        this.timeout = timeout;
        this.credential = "Bearer " + secret;
        this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(url.getHost()).setDefaultPort(url.getPort())
                .setMaxPoolSize(maxConnections).setKeepAlive(true).setTcpNoDelay(true));
    }

    /** An answer as it came: its status, content type and body (for answers passed on as they are, such as CSV). */
    public record Raw(int status, String contentType, byte[] body) {
    }

    /** A JSON call; {@code body} null sends none. */
    public Uni<JsonNode> call(HttpMethod method, String path, Object body, Caller caller, String requestId) {
        return send(method, path, body, caller, requestId, "application/json")
                .onItem().transformToUni(response -> response.body().onItem().transform(b -> {
                    if (response.statusCode() / 100 != 2) {
                        throw failure(response.statusCode(), b);
                    }
                    return read(b);
                }));
    }

    /** A GET whose successful answer is passed on unread, in the media type {@code accept} asks for. */
    public Uni<Raw> raw(String path, String accept, Caller caller, String requestId) {
        return send(HttpMethod.GET, path, null, caller, requestId, accept)
                .onItem().transformToUni(response -> response.body().onItem().transform(b -> {
                    if (response.statusCode() / 100 != 2) {
                        throw failure(response.statusCode(), b);
                    }
                    return new Raw(response.statusCode(), response.getHeader("Content-Type"), b.getBytes());
                }));
    }

    /**
     * Streams {@code body} to the service as the request body, blocking (uploads run on a worker thread; nothing is held
     * in memory), and answers the service's JSON.
     */
    public JsonNode upload(String path, InputStream body, String contentType, Caller caller, String requestId) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(url.resolve(path))
                .header("Authorization", credential).header("Content-Type", contentType).header("Accept", "application/json")
                .header(ORGANIZATION, caller.organization()).header(SUBJECT, caller.subject())
                .header(ROLES, String.join(",", caller.roles())).header(REQUEST_ID, requestId)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
        java.net.http.HttpResponse<byte[]> r;
        try {
            r = uploads.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw UpstreamException.unreachable(name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UpstreamException.unreachable(name, e);
        }
        if (r.statusCode() / 100 != 2) {
            throw failure(r.statusCode(), Buffer.buffer(r.body()));
        }
        return read(Buffer.buffer(r.body()));
    }

    /** A server-sent-event stream: the {@code data:} payload of every event, {@code [DONE]} included. */
    public Uni<Multi<String>> stream(String path, Object body, Caller caller, String requestId) {
        return send(HttpMethod.POST, path, body, caller, requestId, "text/event-stream").onItem().transformToUni(response -> {
            if (response.statusCode() != 200) {
                return response.body().onItem().transform(b -> {
                    throw failure(response.statusCode(), b);
                });
            }
            // A client that goes away closes the connection to the service too, rather than leave it reading.
            return Uni.createFrom().item(new SseEvents().data(response.toMulti())
                    .onCancellation().invoke(() -> response.request().reset()));
        });
    }

    private Uni<HttpClientResponse> send(HttpMethod method, String path, Object body, Caller caller, String requestId, String accept) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
                .setTimeout(timeout.toMillis())
                .putHeader("Authorization", credential)
                .putHeader("Accept", accept)
                .putHeader(ORGANIZATION, caller.organization())
                .putHeader(SUBJECT, caller.subject())
                .putHeader(ROLES, String.join(",", caller.roles()))
                .putHeader(REQUEST_ID, requestId);
        Buffer payload;
        try {
            payload = body == null ? null : Buffer.buffer(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot write a request to the " + name, e));
        }
        if (payload != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return http.request(options)
                .onItem().transformToUni(request -> payload == null ? request.send() : request.send(payload))
                .onFailure(f -> !(f instanceof UpstreamException)).transform(f -> UpstreamException.unreachable(name, f));
    }

    private UpstreamException failure(int status, Buffer body) {
        try {
            OpenAiError envelope = json.readValue(body.getBytes(), OpenAiError.class);
            if (envelope.error() != null && envelope.error().message() != null) {
                return new UpstreamException(status, envelope);
            }
        } catch (IOException notAnEnvelope) {
            // Fall through: describe the status.
        }
        int passed = status >= 500 ? 502 : status;
        return new UpstreamException(passed, OpenAiError.of(passed, "the " + name + " answered " + status + " without an error envelope", null, null));
    }

    private JsonNode read(Buffer body) {
        try {
            return json.readTree(body.getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("the " + name + " answered something other than JSON", e);
        }
    }

    @Override
    public void close() {
        http.closeAndAwait();
    }
}
