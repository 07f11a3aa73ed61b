package dev.flexserve.attribution.api;

import dev.flexserve.attribution.report.InvalidQueryException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the service as an OpenAI error envelope: 400 for an invalid query, 500 for a bug. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response invalidQuery(InvalidQueryException e) {
        return error(400, e.getMessage(), e.param());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String message = status == 406 ? "this endpoint answers application/json or text/csv" : e.getMessage();
        return error(status, message, null);
    }

    @ServerExceptionMapper
    public Response bug(RuntimeException e) {
        LOG.error("request failed", e);
        return error(500, "internal error: " + e, null);
    }

    private static Response error(int status, String message, String param) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ApiError.of(status, message, param)).build();
    }
}
