package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flexserve.router.access.Policy;
import dev.flexserve.router.provisioning.ExpertLifecycle;
import dev.flexserve.router.registry.ExpertRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.List;

/**
 * The internal admin API of the expert registry. The gateway's owner API calls it with the caller's identity in the
 * {@link CallerHeaders}; the registry scopes every call to what that caller manages. Deactivate and revoke return
 * only when no further token will be computed with the expert; revoke then removes an uploaded expert's workload.
 */
@Path("/admin/experts")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ExpertAdminResource {
    private final ExpertRegistry registry;
    private final ExpertLifecycle lifecycle;

    public ExpertAdminResource(ExpertRegistry registry, ExpertLifecycle lifecycle) {
        this.registry = registry;
        this.lifecycle = lifecycle;
    }

    /** {@code package}: path of the expert package; {@code endpoint}: its expert-service(s) as host:port[,host:port]. */
    public record RegisterRequest(@JsonProperty("package") String packagePath, @JsonProperty("endpoint") String endpoint,
                                  @JsonProperty("owner") String owner, @JsonProperty("policy") Policy policy) {
    }

    /** The list envelope OpenAI's API uses. */
    public record ExpertList(@JsonProperty("object") String object, @JsonProperty("data") List<ExpertRegistry.View> data) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RegisterRequest request, @Context HttpHeaders headers) {
        if (request == null) {
            throw new InvalidRequestException(null, "the request body must be a JSON object");
        }
        ExpertRegistry.View v = registry.register(new ExpertRegistry.Registration(request.packagePath(), request.endpoint(),
                request.owner(), request.policy()), CallerHeaders.caller(headers));
        return Response.status(201).entity(v).build();
    }

    @GET
    public ExpertList list(@Context HttpHeaders headers) {
        return new ExpertList("list", registry.list(CallerHeaders.caller(headers)));
    }

    /**
     * An owner's upload: the signed package as a zip archive, streamed to the store. 202 with the expert in status
     * {@code provisioning}; it becomes {@code active} once its workload is ready and registered.
     */
    @POST
    @Path("/packages")
    @Consumes("application/zip")
    public Response upload(InputStream archive, @Context HttpHeaders headers) {
        return Response.status(202).entity(lifecycle.upload(archive, CallerHeaders.caller(headers))).build();
    }

    @GET
    @Path("/{id}")
    public Object get(@PathParam("id") String id, @Context HttpHeaders headers) {
        return lifecycle.view(id, CallerHeaders.caller(headers));
    }

    @PUT
    @Path("/{id}/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public ExpertRegistry.View policy(@PathParam("id") String id, Policy policy, @Context HttpHeaders headers) {
        if (policy == null) {
            throw new InvalidRequestException(null, "the request body must be a policy object");
        }
        return registry.setPolicy(id, policy, CallerHeaders.caller(headers));
    }

    @POST
    @Path("/{id}/activate")
    public ExpertRegistry.View activate(@PathParam("id") String id, @Context HttpHeaders headers) {
        return registry.activate(id, CallerHeaders.caller(headers));
    }

    @POST
    @Path("/{id}/deactivate")
    public ExpertRegistry.View deactivate(@PathParam("id") String id, @Context HttpHeaders headers) {
        return registry.deactivate(id, CallerHeaders.caller(headers));
    }

    /** {@code endpoint}: where the expert's workload serves, host:port[,host:port]. */
    public record ReadyRequest(@JsonProperty("endpoint") String endpoint) {
    }

    /** The platform's provisioner (the Kubernetes operator) reports an uploaded expert's workload ready. */
    @POST
    @Path("/{id}/ready")
    @Consumes(MediaType.APPLICATION_JSON)
    public Object ready(@PathParam("id") String id, ReadyRequest request, @Context HttpHeaders headers) {
        if (request == null || request.endpoint() == null || request.endpoint().isBlank()) {
            throw new InvalidRequestException("endpoint", "the body must be {\"endpoint\": \"host:port\"}");
        }
        return lifecycle.ready(id, request.endpoint().trim(), CallerHeaders.caller(headers));
    }

    @POST
    @Path("/{id}/revoke")
    public Object revoke(@PathParam("id") String id, @Context HttpHeaders headers) {
        return lifecycle.revoke(id, CallerHeaders.caller(headers));
    }
}
