package dev.flexserve.gateway.requests;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every request has an id: the client's {@code X-Request-Id} when it is a sensible token (1-128 characters of
 * letters, digits, {@code . _ -}), otherwise a new one. It is echoed on the response and passed to the router, where it
 * names the response ({@code id} is {@code cmpl-<request id>} or {@code chatcmpl-<request id>}).
 */
public class RequestIds {
    public static final String HEADER = "X-Request-Id";
    static final String PROPERTY = "flexserve.request-id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String given = request.getHeaderString(HEADER);
        request.setProperty(PROPERTY, given != null && ACCEPTED.matcher(given).matches() ? given : "req-" + UUID.randomUUID());
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null && !response.getHeaders().containsKey(HEADER)) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }

    /** The id {@link #assign} gave this request. */
    public static String of(ContainerRequestContext request) {
        return (String) request.getProperty(PROPERTY);
    }
}
