package dev.flexserve.attribution.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the attribution service; later issues make it depend on Kafka and the database. */
@Readiness
@ApplicationScoped
public class AttributionReadinessCheck implements HealthCheck {

    static final String NAME = "attribution-service";
    static final String ROLE =
            "stores one attribution record per completed response and answers usage reports";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).up().withData("role", ROLE).build();
    }
}
