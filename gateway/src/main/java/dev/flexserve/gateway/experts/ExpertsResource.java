package dev.flexserve.gateway.experts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.caller.CallerResolver;
import dev.flexserve.gateway.errors.InvalidRequestException;
import dev.flexserve.gateway.requests.RequestIds;
import dev.flexserve.gateway.router.RouterClient;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The owner API: an {@code owner} lists and changes the experts of its own organization, an {@code operator} all
 * of them. The router's registry scopes every call to the caller it is given, so another organization's expert
 * answers 404 exactly like one that does not exist. Policy changes, deactivation and revocation return only when no
 * later decode step uses the expert in a way the change forbids.
 */
@Path("/v1/experts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Caller.OWNER, Caller.OPERATOR})
public class ExpertsResource {
    static final String ADMIN = "/admin/experts";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final RouterClient router;
    private final CallerResolver callers;
    private final SecurityIdentity identity;

    public ExpertsResource(RouterClient router, CallerResolver callers, SecurityIdentity identity) {
        this.router = router;
        this.callers = callers;
        this.identity = identity;
    }

    /**
     * An expert as its owner sees it; {@code version} is its package's content hash; {@code reason} says why an upload
     * failed to provision.
     */
    public record Expert(String id, String object, String owner, String status, String version, Policy policy,
                         Instant registeredAt, Instant updatedAt, String reason) {
    }

    /** Who may use an expert and when: organizations ({@code "*"}: everyone) and half-open time windows. */
    public record Policy(List<String> organizations, List<Window> windows) {
    }

    public record Window(Instant from, Instant until) {
    }

    public record ExpertList(String object, List<Expert> data) {
    }

    @GET
    public Uni<ExpertList> list(@Context ContainerRequestContext request, @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return router.get(ADMIN, caller(org), RequestIds.of(request)).map(r -> {
            List<Expert> out = new ArrayList<>();
            r.path("data").forEach(e -> out.add(expert(e)));
            return new ExpertList("list", out);
        });
    }

    /**
     * An owner contributes an expert: the signed package (a zip archive, as {@code flexserve owner publish} sends it),
     * streamed to the router, which verifies it before anything else sees it. 202 with the expert in status
     * {@code provisioning}; {@code GET /v1/experts/{id}} shows it {@code active} once it serves.
     */
    @POST
    @Consumes("application/zip")
    @Blocking
    public Response upload(InputStream archive, @Context ContainerRequestContext request,
                           @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        JsonNode accepted = router.upload(ADMIN + "/packages", archive, caller(org), RequestIds.of(request));
        return Response.status(202).entity(expert(accepted)).build();
    }

    @GET
    @Path("/{id}")
    public Uni<Expert> get(@PathParam("id") String id, @Context ContainerRequestContext request,
                           @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return router.get(ADMIN + "/" + checked(id), caller(org), RequestIds.of(request)).map(ExpertsResource::expert);
    }

    @PUT
    @Path("/{id}/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Expert> policy(@PathParam("id") String id, Policy policy, @Context ContainerRequestContext request,
                              @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        if (policy == null) {
            throw new InvalidRequestException(null, "invalid_request", "the request body must be a policy object");
        }
        return router.put(ADMIN + "/" + checked(id) + "/policy", policy, caller(org), RequestIds.of(request)).map(ExpertsResource::expert);
    }

    @POST
    @Path("/{id}/activate")
    public Uni<Expert> activate(@PathParam("id") String id, @Context ContainerRequestContext request,
                                @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return action(id, "activate", request, org);
    }

    @POST
    @Path("/{id}/deactivate")
    public Uni<Expert> deactivate(@PathParam("id") String id, @Context ContainerRequestContext request,
                                  @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return action(id, "deactivate", request, org);
    }

    @POST
    @Path("/{id}/revoke")
    public Uni<Expert> revoke(@PathParam("id") String id, @Context ContainerRequestContext request,
                              @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return action(id, "revoke", request, org);
    }

    private Uni<Expert> action(String id, String action, ContainerRequestContext request, String org) {
        return router.post(ADMIN + "/" + checked(id) + "/" + action, null, caller(org), RequestIds.of(request)).map(ExpertsResource::expert);
    }

    private Caller caller(String org) {
        return callers.resolve(identity, org);
    }

    private static String checked(String id) {
        if (!ID.matcher(id).matches()) {
            throw new InvalidRequestException("id", "invalid_value", "an expert id is 1-128 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    private static Expert expert(JsonNode e) {
        JsonNode p = e.path("policy");
        List<String> orgs = new ArrayList<>();
        p.path("organizations").forEach(o -> orgs.add(o.asText()));
        List<Window> windows = new ArrayList<>();
        p.path("windows").forEach(w -> windows.add(new Window(instant(w.get("from")), instant(w.get("until")))));
        return new Expert(e.path("id").asText(), "expert", e.path("owner").asText(), e.path("status").asText(),
                e.path("package_hash").asText(), new Policy(orgs, windows), instant(e.get("registered_at")), instant(e.get("updated_at")),
                e.hasNonNull("reason") ? e.get("reason").asText() : null);
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }
}
