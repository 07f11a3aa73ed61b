package dev.flexserve.router.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the router service; later issues make it depend on the loaded trunk and registry. */
@Readiness
@ApplicationScoped
public class RouterReadinessCheck implements HealthCheck {

    static final String NAME = "router-service";
    static final String ROLE =
            "runs the public trunk and gating, and fans each layer's tokens out to the selected experts";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).up().withData("role", ROLE).build();
    }
}
