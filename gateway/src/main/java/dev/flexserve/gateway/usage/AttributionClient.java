package dev.flexserve.gateway.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.internal.InternalService;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The attribution-service's internal report API, as an {@link InternalService}. */
@ApplicationScoped
public class AttributionClient {
    static final String REPORT = "/internal/v1/usage";

    private final InternalService attribution;

    public AttributionClient(Vertx vertx, ObjectMapper json, UsageSettings settings,
                             @ConfigProperty(name = "flexserve.internal.secret") String secret) {
        this.attribution = new InternalService("attribution-service", settings.url(), settings.maxConnections(), settings.timeout(),
                secret, vertx, json);
    }

    /** The report for {@code query} (a query string), in {@code accept}'s media type, passed on unread. */
    public Uni<InternalService.Raw> report(String query, String accept, Caller caller, String requestId) {
        return attribution.raw(REPORT + "?" + query, accept, caller, requestId);
    }

    @PreDestroy
    void close() {
        attribution.close();
    }
}
