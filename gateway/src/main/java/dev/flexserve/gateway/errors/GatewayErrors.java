package dev.flexserve.gateway.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.flexserve.gateway.quota.QuotaExceededException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become HTTP statuses, every one in the OpenAI error envelope: 400 invalid requests,
 * 401 missing or invalid tokens (expired, badly signed, another realm or audience), 403 the wrong role or no
 * organization, 404 unknown models and experts (another organization's expert is unknown too), 413 bodies over the
 * limit, 429 quotas (with {@code Retry-After}), the router's own answers as they are, 503 when it cannot be reached.
 * Anything else is a bug: 500, logged, never reported as the client's fault.
 */
public class GatewayErrors {
    private static final Logger LOG = Logger.getLogger(GatewayErrors.class);

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return error(400, e.getMessage(), e.param(), e.code());
    }

    @ServerExceptionMapper
    public Response unknownModel(ModelNotFoundException e) {
        return error(404, e.getMessage(), "model", "model_not_found");
    }

    @ServerExceptionMapper
    public Response noOrganization(NoOrganizationException e) {
        return error(403, e.getMessage(), null, "organization_required");
    }

    @ServerExceptionMapper
    public Response quota(QuotaExceededException e) {
        return Response.fromResponse(error(429, e.getMessage(), null, "rate_limit_exceeded"))
                .header("Retry-After", Long.toString(e.retryAfterSeconds())).build();
    }

    @ServerExceptionMapper
    public Response upstream(UpstreamException e) {
        if (e.status() >= 500) {
            LOG.warnf("router-service answered %d: %s", e.status(), e.getMessage());
        }
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(e.envelope()).build();
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e) {
        return unauthorized("the access token is missing, expired or not valid for this platform");
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthorized("an access token is required (Authorization: Bearer <token>; see 'flexserve token')");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return error(403, "the token's roles do not allow this call", null, "insufficient_role");
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return error(400, "unrecognized request argument '" + u.getPropertyName() + "'", u.getPropertyName(), "unknown_parameter");
        }
        String where = e instanceof MismatchedInputException m && !m.getPath().isEmpty()
                ? m.getPath().get(m.getPath().size() - 1).getFieldName() : null;
        return error(400, "malformed JSON" + (where == null ? "" : " at '" + where + "'") + ": " + e.getOriginalMessage(),
                where, "invalid_json");
    }

    /** More specific than {@link #malformedJson}, so it also takes precedence over the built-in mapper. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response other(RuntimeException e) {
        if (e instanceof WebApplicationException w) {
            if (w.getCause() instanceof JsonProcessingException j) {
                return malformedJson(j);
            }
            int status = w.getResponse().getStatus();
            if (status < 500) {
                return error(status, status == 415 ? "send JSON with Content-Type: application/json" : w.getMessage(), null, null);
            }
        }
        LOG.error("request failed with a bug", e);
        return error(500, "internal error in the gateway (logged)", null, null);
    }

    private static Response unauthorized(String message) {
        return Response.fromResponse(error(401, message, null, "invalid_token"))
                .header("WWW-Authenticate", "Bearer realm=\"flexserve\"").build();
    }

    private static Response error(int status, String message, String param, String code) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(OpenAiError.of(status, message, param, code)).build();
    }
}
