package dev.flexserve.gateway.usage;

import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.caller.CallerResolver;
import dev.flexserve.gateway.errors.InvalidRequestException;
import dev.flexserve.gateway.errors.PermissionDeniedException;
import dev.flexserve.gateway.requests.RequestIds;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code GET /v1/usage}: attribution reports from the attribution-service, scoped to the caller. An operator sees
 * everything; an owner only the use of its own organization's experts (the query is bound to {@code owner=<its
 * organization>}); a consumer only its own organization's requests ({@code organization=<its organization>}). A
 * scoped caller naming another owner or organization is 403, not silently given its own rows. JSON by default, CSV
 * with {@code Accept: text/csv}. Roles are checked in that order: an operator's token is an operator's.
 */
@Path("/v1/usage")
@RolesAllowed({Caller.OPERATOR, Caller.OWNER, Caller.CONSUMER})
public class UsageResource {
    static final String TEXT_CSV = "text/csv";
    static final Set<String> PARAMETERS = Set.of("expert", "owner", "organization", "from", "until", "request_id", "group_by");

    private final AttributionClient attribution;
    private final CallerResolver callers;
    private final SecurityIdentity identity;

    public UsageResource(AttributionClient attribution, CallerResolver callers, SecurityIdentity identity) {
        this.attribution = attribution;
        this.callers = callers;
        this.identity = identity;
    }

    @GET
    public Uni<Response> usage(@Context UriInfo uri, @Context HttpHeaders headers, @Context ContainerRequestContext request,
                               @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        Caller caller = callers.resolve(identity, org);
        String accept = wantsCsv(headers) ? TEXT_CSV : MediaType.APPLICATION_JSON;
        return attribution.report(scoped(uri.getQueryParameters(), caller), accept, caller, RequestIds.of(request))
                .map(r -> Response.status(r.status()).type(r.contentType()).entity(r.body()).build());
    }

    /** The caller's query with its scope bound, as a query string. */
    static String scoped(MultivaluedMap<String, String> query, Caller caller) {
        StringJoiner out = new StringJoiner("&");
        for (Map.Entry<String, List<String>> p : query.entrySet()) {
            if (!PARAMETERS.contains(p.getKey())) {
                throw new InvalidRequestException(p.getKey(), "unknown_parameter", "unknown parameter '" + p.getKey()
                        + "'; the parameters are expert, organization, from, until, request_id, group_by (and owner for operators)");
            }
        }
        String bound = null;
        if (!caller.isOperator()) {
            bound = caller.roles().contains(Caller.OWNER) ? "owner" : "organization";
            List<String> asked = query.get(bound);
            if (asked != null && !asked.equals(List.of(caller.organization()))) {
                throw new PermissionDeniedException("organization '" + caller.organization() + "' reads only its own usage, not "
                        + bound + " '" + String.join(",", asked) + "'");
            }
            out.add(bound + "=" + enc(caller.organization()));
        }
        for (Map.Entry<String, List<String>> p : query.entrySet()) {
            if (p.getKey().equals(bound)) {
                continue;
            }
            for (String v : p.getValue()) {
                out.add(enc(p.getKey()) + "=" + enc(v));
            }
        }
        return out.toString();
    }

    private static boolean wantsCsv(HttpHeaders headers) {
        for (MediaType t : headers.getAcceptableMediaTypes()) {
            if (t.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !t.isWildcardType()) {
                return false;
            }
            if (t.isCompatible(MediaType.valueOf(TEXT_CSV)) && !t.isWildcardType()) {
                return true;
            }
        }
        return false;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

}
