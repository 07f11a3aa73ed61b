package dev.flexserve.expert.health;

import dev.flexserve.expert.serving.ExpertRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the package is loaded (startup fails otherwise) and the expert is active; DOWN with the reason while
 * deactivated.
 */
@Readiness
@ApplicationScoped
public class ExpertReadinessCheck implements HealthCheck {

    static final String NAME = "expert-service";
    static final String ROLE =
            "serves one owner's expert FFN layers as batched calls for the router and refuses them once deactivated";

    private final ExpertRuntime runtime;

    public ExpertReadinessCheck(ExpertRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME)
                .withData("role", ROLE)
                .withData("expert", runtime.id())
                .withData("package_hash", runtime.packageHash())
                .withData("active", runtime.isActive());
        if (runtime.isActive()) {
            return b.up().build();
        }
        return b.down().withData("reason", "expert " + runtime.id() + " is deactivated").build();
    }
}
