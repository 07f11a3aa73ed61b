package dev.flexserve.gateway.openai;

import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.caller.CallerResolver;
import dev.flexserve.gateway.errors.InvalidRequestException;
import dev.flexserve.gateway.requests.RequestIds;
import dev.flexserve.gateway.router.GenerateRequest;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * OpenAI's {@code POST /v1/completions} and {@code POST /v1/chat/completions} for consumers. One endpoint answers
 * JSON or, with {@code "stream": true}, server-sent events, so the body decides the media type: the methods declare
 * none (a {@link RestMulti} without one writes its chunks as they are) and set {@code Content-Type} themselves. Errors before the first byte (the router's too) answer with their
 * status and the OpenAI envelope.
 */
@Path("/v1")
@RolesAllowed(Caller.CONSUMER)
public class GenerationResource {
    private final Generations generations;
    private final CallerResolver callers;
    private final SecurityIdentity identity;

    public GenerationResource(Generations generations, CallerResolver callers, SecurityIdentity identity) {
        this.generations = generations;
        this.callers = callers;
        this.identity = identity;
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Complete a prompt (OpenAI text completions), JSON or server-sent events")
    @APIResponse(responseCode = "200", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CompletionResponse.class)),
            @Content(mediaType = MediaType.SERVER_SENT_EVENTS)})
    public RestMulti<Buffer> completions(CompletionRequest body, @Context ContainerRequestContext request,
                                         @RestHeader(CallerResolver.ORGANIZATION_HEADER) String organization) {
        requireBody(body);
        return run(Translation.completion(body), body.model(), body.stream(), body.streamOptions(), CompletionShape.INSTANCE,
                request, organization);
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Answer a conversation (OpenAI chat completions), JSON or server-sent events")
    @APIResponse(responseCode = "200", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatCompletionResponse.class)),
            @Content(mediaType = MediaType.SERVER_SENT_EVENTS)})
    public RestMulti<Buffer> chat(ChatCompletionRequest body, @Context ContainerRequestContext request,
                                  @RestHeader(CallerResolver.ORGANIZATION_HEADER) String organization) {
        requireBody(body);
        return run(Translation.chat(body), body.model(), body.stream(), body.streamOptions(), ChatShape.INSTANCE, request, organization);
    }

    private RestMulti<Buffer> run(GenerateRequest translated, String model, Boolean stream, StreamOptions options, ResponseShape shape,
                                  ContainerRequestContext request, String organizationHeader) {
        Uni<Generations.Reply> reply = generations.run(callers.resolve(identity, organizationHeader), RequestIds.of(request), model,
                translated, Boolean.TRUE.equals(stream), Translation.includeUsage(stream, options), shape);
        return RestMulti.fromUniResponse(reply, Generations.Reply::body, Generations.Reply::headers, Generations.Reply::status);
    }

    private static void requireBody(Object body) {
        if (body == null) {
            throw new InvalidRequestException(null, "invalid_request", "the request body must be a JSON object");
        }
    }
}
