package dev.flexserve.internalauth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.HashMap;
import java.util.Map;

/**
 * Every REST endpoint of a service that uses this library is internal: a request without the platform's credential
 * is answered 401 before it is matched to a resource (so nothing, not even whether a path exists, is revealed).
 * Health, metrics and other {@code /q/} routes are not REST endpoints and stay open for probes and scrapers.
 */
public class InternalApiFilter {
    private final InternalCredential credential;

    public InternalApiFilter(InternalCredential credential) {
        this.credential = credential;
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if (credential.accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return null;
        }
        Map<String, Object> error = new HashMap<>();
        error.put("message", "this is an internal FlexServe API: it accepts only the platform's own credential");
        error.put("type", "authentication_error");
        error.put("param", null);
        error.put("code", "internal_credential_required");
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", error)).build();
    }
}
