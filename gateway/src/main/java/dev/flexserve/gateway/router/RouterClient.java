package dev.flexserve.gateway.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.internal.InternalService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import java.io.InputStream;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The router-service's internal API (generation, the model, the expert registry), as an {@link InternalService}. */
@ApplicationScoped
public class RouterClient {
    private final InternalService router;

    public RouterClient(Vertx vertx, ObjectMapper json, RouterSettings settings,
                        @ConfigProperty(name = "flexserve.internal.secret") String secret) {
        this.router = new InternalService("router-service", settings.url(), settings.maxConnections(), settings.timeout(), secret, vertx, json);
    }

    public Uni<JsonNode> get(String path, Caller caller, String requestId) {
        return router.call(HttpMethod.GET, path, null, caller, requestId);
    }

    public Uni<JsonNode> post(String path, Object body, Caller caller, String requestId) {
        return router.call(HttpMethod.POST, path, body, caller, requestId);
    }

    public Uni<JsonNode> put(String path, Object body, Caller caller, String requestId) {
        return router.call(HttpMethod.PUT, path, body, caller, requestId);
    }

    /** Streams an expert package archive to the router's store (blocking). */
    public JsonNode upload(String path, InputStream archive, Caller caller, String requestId) {
        return router.upload(path, archive, "application/zip", caller, requestId);
    }

    /** The router's event stream of a generation: the {@code data:} payload of every event, {@code [DONE]} included. */
    public Uni<Multi<String>> stream(String path, Object body, Caller caller, String requestId) {
        return router.stream(path, body, caller, requestId);
    }

    @PreDestroy
    void close() {
        router.close();
    }
}
