package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.FinishReason;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.router.access.Caller;
import dev.flexserve.router.attribution.AttributionEvents;
import dev.flexserve.router.attribution.AttributionHandOff;
import dev.flexserve.router.scheduler.GenerationAbortedException;
import dev.flexserve.router.scheduler.GenerationJob;
import dev.flexserve.router.scheduler.Scheduler;
import dev.flexserve.router.trunk.Trunk;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The router's internal generation API (called by the gateway, not by the public): {@code POST /internal/v1/generate}
 * answers JSON; {@code POST /internal/v1/generate/stream} answers server-sent events — one {@code {"id", "token",
 * "text"}} event per generated token, then the whole response, then {@code [DONE]};
 * {@code POST /internal/v1/generate/logits} returns the logits of a prompt (equivalence checks, diagnostics).
 * The caller's organization comes from the {@link CallerHeaders}; the response id is the request's
 * {@code X-Request-Id} when the gateway passed one.
 *
 * <p>No response is confirmed before its attribution event is handed off ({@link AttributionHandOff}): the JSON
 * answer, and a stream's final result event, are sent only once the event is acknowledged by Kafka or fsynced to the
 * spool. A request the client abandons (the stream is closed) is cancelled at the router's next step, and its event
 * says {@code cancelled}; one the platform cut short after generating tokens is recorded as {@code aborted}.
 */
@Path("/internal/v1/generate")
public class GenerateResource {
    private static final int DEFAULT_MAX_TOKENS = 16;

    private final Scheduler scheduler;
    private final Trunk trunk;
    private final AttributionHandOff attribution;
    private final ObjectMapper json;

    public GenerateResource(Scheduler scheduler, Trunk trunk, AttributionHandOff attribution, ObjectMapper json) {
        this.scheduler = scheduler;
        this.trunk = trunk;
        this.attribution = attribution;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<GenerateResponse> generate(GenerateRequest request, @Context HttpHeaders headers) {
        requireBody(request);
        String id = requestId(headers);
        Caller caller = CallerHeaders.caller(headers);
        CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        scheduler.submit(job(request, caller, t -> { }, result));
        return Uni.createFrom().completionStage(attributed(result, id, caller)).map(r -> GenerateResponse.of(id, r));
    }

    /** Server-sent events: validation errors still answer 4xx before the stream starts. */
    @POST
    @Path("/stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> stream(GenerateRequest request, @Context HttpHeaders headers) {
        requireBody(request);
        String id = requestId(headers);
        Caller caller = CallerHeaders.caller(headers);
        // Buffers events produced before the client subscribes; the scheduler thread never blocks on the client.
        UnicastProcessor<String> events = UnicastProcessor.create();
        CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        GenerationJob job = job(request, caller, e -> events.onNext(write(Map.of("id", id, "token", e.token(), "text", e.text()))), result);
        scheduler.submit(job);
        attributed(result, id, caller).whenComplete((r, failure) -> {
            events.onNext(write(failure != null ? ErrorMappers.describe(failure).envelope() : GenerateResponse.of(id, r)));
            events.onNext("[DONE]");
            events.onComplete();
        });
        return events.onCancellation().invoke(job::cancel);
    }

    /**
     * The result, once its attribution event is handed off: a finished (or cancelled) request's event carries its own
     * finish reason, an aborted one's what it generated. A request that never computed anything has no event. When the
     * hand-off itself fails, the response fails: it is never confirmed without its record.
     */
    private CompletionStage<GenerationResult> attributed(CompletableFuture<GenerationResult> result, String id, Caller caller) {
        return result.handle((r, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            GenerationResult recorded = r != null ? r : cause instanceof GenerationAbortedException a ? a.partial() : null;
            if (recorded == null) {
                return CompletableFuture.<GenerationResult>failedFuture(cause);
            }
            AttributionEvent event = AttributionEvents.of(id, caller.organization(), caller.subject(), trunk.modelId(),
                    trunk.trunkPackage().hash(), recorded, FinishReason.ofWire(recorded.finishReason()));
            return attribution.handOff(event).thenCompose(v -> r != null ? CompletableFuture.completedFuture(r)
                    : CompletableFuture.<GenerationResult>failedFuture(cause));
        }).thenCompose(stage -> stage);
    }

    /** The logits of every prompt position under the request's expert choice; nothing is generated. */
    public record LogitsResponse(@JsonProperty("allowed") List<String> allowed,
                                 @JsonProperty("last_logits") float[] lastLogits,
                                 @JsonProperty("argmax_per_position") int[] argmaxPerPosition) {
    }

    @POST
    @Path("/logits")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public LogitsResponse logits(GenerateRequest request, @Context HttpHeaders headers) {
        requireBody(request);
        Scheduler.Logits l = scheduler.logits(job(request, CallerHeaders.caller(headers), t -> { }, new CompletableFuture<>()));
        int positions = l.positions().length / l.vocab();
        int[] argmax = new int[positions];
        for (int p = 0; p < positions; p++) {
            int best = 0;
            for (int v = 1; v < l.vocab(); v++) {
                if (l.positions()[p * l.vocab() + v] > l.positions()[p * l.vocab() + best]) {
                    best = v;
                }
            }
            argmax[p] = best;
        }
        return new LogitsResponse(l.allowed(), Arrays.copyOfRange(l.positions(), (positions - 1) * l.vocab(), positions * l.vocab()), argmax);
    }

    private static void requireBody(GenerateRequest request) {
        if (request == null) {
            throw new InvalidRequestException(null, "the request body must be a JSON object");
        }
    }

    private static String requestId(HttpHeaders headers) {
        String given = headers.getHeaderString(CallerHeaders.REQUEST_ID);
        return given == null || given.isBlank() ? "gen-" + UUID.randomUUID() : given;
    }

    private GenerationJob job(GenerateRequest r, Caller caller, Consumer<GenerationJob.TokenEvent> onToken,
                              CompletableFuture<GenerationResult> result) {
        long now = System.nanoTime();
        SamplingParams params = new SamplingParams(
                r.temperature() == null ? 1.0 : r.temperature(),
                r.topK() == null ? 0 : r.topK(),
                r.topP() == null ? 1.0 : r.topP(),
                r.seed(),
                r.maxTokens() == null ? DEFAULT_MAX_TOKENS : r.maxTokens(),
                r.stop());
        GenerateRequest.ExpertChoice experts = r.experts() == null ? new GenerateRequest.ExpertChoice(null, null) : r.experts();
        Set<String> include = experts.include() == null ? null : new HashSet<>(experts.include());
        Set<String> exclude = experts.exclude() == null ? Set.of() : new HashSet<>(experts.exclude());
        return new GenerationJob(prompt(r), params, caller.organization(), include, exclude, onToken, result, now);
    }

    private int[] prompt(GenerateRequest r) {
        if ((r.prompt() == null) == (r.promptTokens() == null)) {
            throw new InvalidRequestException("prompt", "give exactly one of 'prompt' (text) and 'prompt_tokens' (ids)");
        }
        if (r.promptTokens() != null) {
            if (r.promptTokens().length == 0) {
                throw new InvalidRequestException("prompt_tokens", "the prompt is empty");
            }
            return r.promptTokens();
        }
        if (!trunk.tokenizer().handlesText()) {
            throw new InvalidRequestException("prompt", "this model has no tokenizer; send 'prompt_tokens'");
        }
        int[] ids = trunk.tokenizer().encode(r.prompt());
        if (ids.length == 0) {
            throw new InvalidRequestException("prompt", "the prompt is empty");
        }
        return ids;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
