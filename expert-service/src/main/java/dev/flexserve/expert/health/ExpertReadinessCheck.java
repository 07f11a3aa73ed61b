package dev.flexserve.expert.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the expert service; later issues make it depend on the loaded expert package. */
@Readiness
@ApplicationScoped
public class ExpertReadinessCheck implements HealthCheck {

    static final String NAME = "expert-service";
    static final String ROLE =
            "serves one owner's expert FFN layers as batched calls for the router and refuses them once deactivated";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).up().withData("role", ROLE).build();
    }
}
