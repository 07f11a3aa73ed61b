package dev.flexserve.router.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.flexserve.router.scheduler.RequestRejectedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the router as an OpenAI error envelope with a fitting 4xx (or 500) status. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response rejected(RequestRejectedException e) {
        return error(e.status(), e.getMessage(), e.param());
    }

    @ServerExceptionMapper
    public Response invalid(IllegalArgumentException e) {
        return error(400, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return error(400, describe(e), null);
    }

    /** More specific than {@link #malformedJson}, so it also takes precedence over the built-in mapper. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return error(400, describe(e), null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException j) {
            return error(400, describe(j), null);
        }
        int status = e.getResponse().getStatus();
        return error(status, status == 415 ? "send JSON with Content-Type: application/json" : e.getMessage(), null);
    }

    private static String describe(JsonProcessingException e) {
        String where = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? " at '" + m.getPath().get(m.getPath().size() - 1).getFieldName() + "'" : "";
        return "malformed JSON" + where + ": " + e.getOriginalMessage();
    }

    static Response error(int status, String message, String param) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ApiError.of(status, message, param)).build();
    }
}
