package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.errors.UpstreamException;
import dev.flexserve.gateway.quota.QuotaLimiter;
import dev.flexserve.gateway.router.GenerateRequest;
import dev.flexserve.gateway.router.GenerateResult;
import dev.flexserve.gateway.router.RouterClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one generation for a caller: checks the model, admits it against the organization's quota, asks the router
 * (JSON, or its event stream translated chunk by chunk), charges the tokens it used, and gives back the quota of a
 * request the router refused. Nothing about experts or policies is decided here: the router evaluates them at
 * admission and before every decode step.
 */
@ApplicationScoped
public class Generations {
    static final String GENERATE = "/internal/v1/generate";
    static final String STREAM = "/internal/v1/generate/stream";

    private final RouterClient router;
    private final ModelCatalog models;
    private final QuotaLimiter quota;
    private final ObjectMapper json;

    public Generations(RouterClient router, ModelCatalog models, QuotaLimiter quota, ObjectMapper json) {
        this.router = router;
        this.models = models;
        this.quota = quota;
        this.json = json;
    }

    /** What the endpoint answers: status, headers and the body as it should be written, chunk by chunk. */
    public record Reply(int status, Map<String, List<String>> headers, Multi<Buffer> body) {
    }

    Uni<Reply> run(Caller caller, String requestId, String model, GenerateRequest request, boolean stream, boolean includeUsage,
                   ResponseShape shape) {
        String id = shape.idPrefix() + requestId;
        long created = System.currentTimeMillis() / 1000;
        return models.require(model, caller, requestId).chain(() -> {
            QuotaLimiter.Standing standing = quota.admit(caller.organization());
            Map<String, List<String>> headers = headers(standing, requestId);
            Uni<Reply> reply = stream ? streamed(caller, requestId, request, includeUsage, shape, id, created, model, headers)
                    : whole(caller, requestId, request, shape, id, created, model, headers);
            return reply.onFailure(UpstreamException.class).invoke(f -> {
                if (((UpstreamException) f).status() / 100 == 4) {
                    quota.refund(caller.organization());
                }
            });
        });
    }

    private Uni<Reply> whole(Caller caller, String requestId, GenerateRequest request, ResponseShape shape, String id, long created,
                             String model, Map<String, List<String>> headers) {
        return router.post(GENERATE, request, caller, requestId).map(node -> {
            GenerateResult r = json.convertValue(node, GenerateResult.class);
            quota.charge(caller.organization(), r.usage().totalTokens());
            headers.put("Content-Type", List.of("application/json"));
            return new Reply(200, headers, Multi.createFrom().item(Buffer.buffer(write(shape.response(id, created, model, r)))));
        });
    }

    private Uni<Reply> streamed(Caller caller, String requestId, GenerateRequest request, boolean includeUsage, ResponseShape shape,
                                String id, long created, String model, Map<String, List<String>> headers) {
        return router.stream(STREAM, request, caller, requestId).map(events -> {
            AtomicBoolean charged = new AtomicBoolean();
            StreamTranslator translator = new StreamTranslator(json, shape, id, created, model, includeUsage, r -> {
                if (charged.compareAndSet(false, true)) {
                    quota.charge(caller.organization(), r.usage().totalTokens());
                }
            });
            Runnable chargeWhatWasSeen = () -> {
                if (charged.compareAndSet(false, true)) {
                    quota.charge(caller.organization(), translator.tokensSeen());
                }
            };
            Multi<Buffer> body = events
                    .onItem().transformToIterable(translator::translate)
                    .map(data -> Buffer.buffer(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8)))
                    .onTermination().invoke(chargeWhatWasSeen);
            headers.put("Content-Type", List.of("text/event-stream"));
            headers.put("Cache-Control", List.of("no-cache"));
            return new Reply(200, headers, body);
        });
    }

    private static Map<String, List<String>> headers(QuotaLimiter.Standing s, String requestId) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put(RouterClient.REQUEST_ID, List.of(requestId));
        h.put("x-ratelimit-limit-requests", List.of(Long.toString(s.requestsPerMinute())));
        h.put("x-ratelimit-limit-tokens", List.of(Long.toString(s.tokensPerMinute())));
        h.put("x-ratelimit-remaining-requests", List.of(Long.toString(s.remainingRequests())));
        h.put("x-ratelimit-remaining-tokens", List.of(Long.toString(Math.max(0, s.remainingTokens()))));
        return h;
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
