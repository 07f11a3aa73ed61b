package dev.flexserve.gateway.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tells the console's page where to sign in: the realm's issuer URL and the public client's id. Open to anyone, as
 * the realm's own discovery document is; the page then reads the realm's endpoints from that document.
 */
@Path("/console/config.json")
public class ConsoleConfigResource {
    private final ConsoleSettings settings;
    private final String acceptedIssuer;

    public ConsoleConfigResource(ConsoleSettings settings, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String acceptedIssuer) {
        this.settings = settings;
        this.acceptedIssuer = acceptedIssuer;
    }

    public record ConsoleConfig(String issuer, String clientId) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ConsoleConfig config() {
        return new ConsoleConfig(settings.issuer().orElse(acceptedIssuer), settings.clientId());
    }
}
