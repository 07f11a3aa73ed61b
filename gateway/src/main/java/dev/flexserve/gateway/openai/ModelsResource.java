package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.caller.CallerResolver;
import dev.flexserve.gateway.errors.ModelNotFoundException;
import dev.flexserve.gateway.requests.RequestIds;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the served model in OpenAI's shape, with, as its
 * {@code experts}, only those the caller's organization may use right now (asked of the router at every call).
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.CONSUMER)
public class ModelsResource {
    private final ModelCatalog catalog;
    private final CallerResolver callers;
    private final SecurityIdentity identity;

    public ModelsResource(ModelCatalog catalog, CallerResolver callers, SecurityIdentity identity) {
        this.catalog = catalog;
        this.callers = callers;
        this.identity = identity;
    }

    /** An expert as a consumer sees it: whose it is, its status and version (package hash). */
    public record ExpertView(String id, String owner, String status, String version) {
    }

    /** OpenAI's model object plus the trunk's content hash, the context length and the caller's experts. */
    public record Model(String id, String object, long created, String ownedBy, String trunk, int contextLength,
                        List<ExpertView> experts) {
    }

    public record ModelList(String object, List<Model> data) {
    }

    @GET
    public Uni<ModelList> list(@Context ContainerRequestContext request, @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return describe(request, org).map(m -> new ModelList("list", List.of(m)));
    }

    @GET
    @Path("/{id}")
    public Uni<Model> get(@PathParam("id") String id, @Context ContainerRequestContext request,
                          @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return describe(request, org).map(m -> {
            if (!m.id().equals(id)) {
                throw new ModelNotFoundException(id);
            }
            return m;
        });
    }

    private Uni<Model> describe(ContainerRequestContext request, String org) {
        Caller caller = callers.resolve(identity, org);
        return catalog.describe(caller, RequestIds.of(request)).map(ModelsResource::model);
    }

    private static Model model(JsonNode m) {
        List<ExpertView> experts = new ArrayList<>();
        for (JsonNode e : m.path("experts")) {
            experts.add(new ExpertView(e.path("id").asText(), e.path("owner").asText(), e.path("status").asText(), e.path("version").asText()));
        }
        return new Model(m.get("id").asText(), "model", m.path("created").asLong(), "flexserve", m.path("trunk").asText(),
                m.path("context_length").asInt(), experts);
    }
}
