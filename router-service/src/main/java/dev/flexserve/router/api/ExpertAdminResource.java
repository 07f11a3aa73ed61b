package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flexserve.router.registry.ExpertRegistry;
import dev.flexserve.router.registry.Policy;
import dev.flexserve.router.scheduler.RequestRejectedException;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * The internal admin API of the expert registry (the gateway's owner API calls it with the caller's organisation
 * enforced). Deactivate and revoke return only when no further token will be computed with the expert.
 */
@Path("/admin/experts")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ExpertAdminResource {
    private final ExpertRegistry registry;

    public ExpertAdminResource(ExpertRegistry registry) {
        this.registry = registry;
    }

    /** {@code package}: path of the expert package; {@code endpoint}: its expert-service(s) as host:port[,host:port]. */
    public record RegisterRequest(@JsonProperty("package") String packagePath, @JsonProperty("endpoint") String endpoint,
                                  @JsonProperty("owner") String owner, @JsonProperty("policy") Policy policy) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RegisterRequest request) {
        if (request == null) {
            throw new RequestRejectedException(400, null, "the request body must be a JSON object");
        }
        ExpertRegistry.View v = registry.register(new ExpertRegistry.Registration(request.packagePath(), request.endpoint(),
                request.owner(), request.policy()));
        return Response.status(201).entity(v).build();
    }

    @GET
    public List<ExpertRegistry.View> list() {
        return registry.list();
    }

    @GET
    @Path("/{id}")
    public ExpertRegistry.View get(@PathParam("id") String id) {
        return registry.get(id);
    }

    @PUT
    @Path("/{id}/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public ExpertRegistry.View policy(@PathParam("id") String id, Policy policy) {
        if (policy == null) {
            throw new RequestRejectedException(400, null, "the request body must be a policy object");
        }
        return registry.setPolicy(id, policy);
    }

    @POST
    @Path("/{id}/activate")
    public ExpertRegistry.View activate(@PathParam("id") String id) {
        return registry.activate(id);
    }

    @POST
    @Path("/{id}/deactivate")
    public ExpertRegistry.View deactivate(@PathParam("id") String id) {
        return registry.deactivate(id);
    }

    @POST
    @Path("/{id}/revoke")
    public ExpertRegistry.View revoke(@PathParam("id") String id) {
        return registry.revoke(id);
    }
}
