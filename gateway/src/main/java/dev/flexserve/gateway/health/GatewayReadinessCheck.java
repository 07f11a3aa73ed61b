package dev.flexserve.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the gateway; later issues make it depend on the identity provider and the router. */
@Readiness
@ApplicationScoped
public class GatewayReadinessCheck implements HealthCheck {

    static final String NAME = "gateway";
    static final String ROLE =
            "the only public entrance: OIDC, the OpenAI-compatible API, the owner API, quotas and the web console";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).up().withData("role", ROLE).build();
    }
}
