package dev.flexserve.gateway.requests;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.gateway.errors.OpenAiError;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bounds request bodies before a byte of them is read, answering in the OpenAI envelope: an expert package upload
 * ({@code POST /v1/experts}, streamed to the router, never held in memory) up to {@code flexserve.gateway.upload-limit},
 * every other body up to {@code flexserve.gateway.body-limit} (413). A JSON body must announce its length: the API's
 * bodies are read whole, so a chunked body of unannounced length is refused (411). A request with neither header has
 * an empty body (RFC 9112 §6.3), as a bodiless {@code POST .../deactivate} does. The HTTP server's own limit
 * ({@code quarkus.http.limits.max-body-size}) is the upload limit.
 */
@ApplicationScoped
public class BodyLimit {
    static final String UPLOAD_PATH = "/v1/experts";

    private final long bodyLimit;
    private final long uploadLimit;
    private final ObjectMapper json;

    public BodyLimit(@ConfigProperty(name = "flexserve.gateway.body-limit") MemorySize bodyLimit,
                     @ConfigProperty(name = "flexserve.gateway.upload-limit") MemorySize uploadLimit, ObjectMapper json) {
        this.bodyLimit = bodyLimit.asLongValue();
        this.uploadLimit = uploadLimit.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpMethod method = ctx.request().method();
            if (method != HttpMethod.POST && method != HttpMethod.PUT) {
                ctx.next();
                return;
            }
            boolean upload = method == HttpMethod.POST && UPLOAD_PATH.equals(ctx.request().path());
            long limit = upload ? uploadLimit : bodyLimit;
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length == null && !upload && ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                refuse(ctx, 411, "send the request body with a Content-Length", "length_required");
            } else if (length != null && parse(length) > limit) {
                refuse(ctx, 413, "the request body is larger than this gateway's limit of " + limit + " bytes", "request_too_large");
            } else {
                ctx.next();
            }
        });
    }

    private void refuse(RoutingContext ctx, int status, String message, String code) {
        try {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(Buffer.buffer(json.writeValueAsBytes(OpenAiError.of(status, message, null, code))));
        } catch (Exception e) {
            ctx.fail(e);
        }
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
