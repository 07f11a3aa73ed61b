package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flexserve.router.trust.SigningKeys;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code PUT /admin/signing-keys/{organization}} with {@code {"public_key": "<PEM>"}}: the platform or an operator
 * registers the organization's Ed25519 package-signing key (replacing an earlier one).
 */
@Path("/admin/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SigningKeysResource {
    private final SigningKeys keys;

    public SigningKeysResource(SigningKeys keys) {
        this.keys = keys;
    }

    public record KeyRequest(@JsonProperty("public_key") String publicKey) {
    }

    @PUT
    @Path("/{organization}")
    @Consumes(MediaType.APPLICATION_JSON)
    public SigningKeys.View register(@PathParam("organization") String organization, KeyRequest request, @Context HttpHeaders headers) {
        if (request == null || request.publicKey() == null || request.publicKey().isBlank()) {
            throw new InvalidRequestException("public_key", "the body must be {\"public_key\": the organization's Ed25519 public key, PEM}");
        }
        return keys.register(organization, request.publicKey(), CallerHeaders.caller(headers));
    }
}
