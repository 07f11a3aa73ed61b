package dev.flexserve.gateway.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** What the console's page needs to sign in (prefix {@code flexserve.gateway.console}). */
@ConfigMapping(prefix = "flexserve.gateway.console")
public interface ConsoleSettings {
    /**
     * The realm the browser signs in at, as the browser reaches it; without it, the realm whose tokens the gateway
     * accepts ({@code quarkus.oidc.auth-server-url}), which is the same address when everything runs on one host.
     */
    Optional<String> issuer();

    /** The realm's public client for the console (authorization code with PKCE). */
    @WithDefault("flexserve-console")
    String clientId();
}
