package dev.flexserve.expert.admin;

import dev.flexserve.expert.serving.ActivationException;
import dev.flexserve.expert.serving.ExpertRuntime;
import dev.flexserve.expert.serving.ExpertState;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * Internal admin API for operators and scripts: the HTTP form of the gRPC {@code SetActive} and {@code Describe}.
 * Not for the public network (the gateway does not route here). Runs on worker threads (blocking return types).
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final ExpertRuntime runtime;

    public AdminResource(ExpertRuntime runtime) {
        this.runtime = runtime;
    }

    @GET
    @Path("/expert")
    public ExpertState describe() {
        return runtime.describe();
    }

    /** 200 with the description; 409 {@code {"error": reason, "expert": description}} when activation is refused. */
    @POST
    @Path("/activate")
    public Response activate() {
        try {
            return Response.ok(runtime.activate()).build();
        } catch (ActivationException e) {
            return Response.status(Response.Status.CONFLICT)
                    .entity(Map.of("error", e.getMessage(), "expert", runtime.describe()))
                    .build();
        }
    }

    @POST
    @Path("/deactivate")
    public ExpertState deactivate() {
        return runtime.deactivate();
    }
}
