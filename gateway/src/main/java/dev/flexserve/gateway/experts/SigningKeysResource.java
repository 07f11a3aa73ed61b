package dev.flexserve.gateway.experts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.caller.CallerResolver;
import dev.flexserve.gateway.errors.InvalidRequestException;
import dev.flexserve.gateway.requests.RequestIds;
import dev.flexserve.gateway.router.RouterClient;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.regex.Pattern;

/**
 * {@code PUT /v1/signing-keys/{organization}} for operators: registers the Ed25519 key an organization signs its
 * expert packages with, checked with the organization out of band (docs: uploads are accepted only when signed by it).
 */
@Path("/v1/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.OPERATOR)
public class SigningKeysResource {
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final RouterClient router;
    private final CallerResolver callers;
    private final SecurityIdentity identity;

    public SigningKeysResource(RouterClient router, CallerResolver callers, SecurityIdentity identity) {
        this.router = router;
        this.callers = callers;
        this.identity = identity;
    }

    /** {@code {"public_key": "-----BEGIN PUBLIC KEY-----..."}}. */
    public record KeyRequest(String publicKey) {
    }

    @PUT
    @Path("/{organization}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<JsonNode> register(@PathParam("organization") String organization, KeyRequest key, @Context ContainerRequestContext request,
                                  @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        if (!ORGANIZATION.matcher(organization).matches()) {
            throw new InvalidRequestException("organization", "invalid_value", "an organization name is 1-128 letters, digits, '.', '_' or '-'");
        }
        if (key == null) {
            throw new InvalidRequestException(null, "invalid_request", "the request body must be {\"public_key\": PEM}");
        }
        return router.put("/admin/signing-keys/" + organization, key, callers.resolve(identity, org), RequestIds.of(request));
    }
}
