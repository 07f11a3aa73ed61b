package dev.flexserve.gateway.requests;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.gateway.errors.OpenAiError;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body announced larger than {@code quarkus.http.limits.max-body-size} is answered 413 in the OpenAI envelope before
 * a byte of it is read (the HTTP server itself still cuts off a chunked body that grows past the limit).
 */
@ApplicationScoped
public class BodyLimit {
    private final long limit;
    private final byte[] tooLarge;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit, ObjectMapper json) throws Exception {
        this.limit = limit.asLongValue();
        this.tooLarge = json.writeValueAsBytes(OpenAiError.of(413, "the request body is larger than this gateway's limit of "
                + this.limit + " bytes", null, "request_too_large"));
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && parse(length) > limit) {
                ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close").end(io.vertx.core.buffer.Buffer.buffer(tooLarge));
                return;
            }
            ctx.next();
        });
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
