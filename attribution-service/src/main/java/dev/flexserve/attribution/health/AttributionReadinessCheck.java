package dev.flexserve.attribution.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The service's own readiness entry; the database (Agroal) and the Kafka consumer (SmallRye Reactive Messaging) add
 * their checks to {@code /q/health/ready} themselves.
 */
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
