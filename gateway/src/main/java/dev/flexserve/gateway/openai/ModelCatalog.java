package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.errors.ModelNotFoundException;
import dev.flexserve.gateway.router.RouterClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The model the router serves, as {@code GET /v1/models} shows it and as a request's {@code model} must name it. The
 * model's id is remembered (it changes only when the router is restarted with other models, and a request naming
 * another id makes the gateway ask again); which experts a caller may use is never remembered: it is asked of the
 * router at every call, so revocations and policy changes show at once.
 */
@ApplicationScoped
public class ModelCatalog {
    static final String MODEL_PATH = "/internal/v1/model";

    private final RouterClient router;
    private volatile String knownId;

    public ModelCatalog(RouterClient router) {
        this.router = router;
    }

    /** The router's model description with the experts {@code caller} may use now. */
    public Uni<JsonNode> describe(Caller caller, String requestId) {
        return router.get(MODEL_PATH, caller, requestId).invoke(m -> knownId = m.get("id").asText());
    }

    /** Completes when {@code model} is the served model; fails with {@link ModelNotFoundException} otherwise. */
    public Uni<Void> require(String model, Caller caller, String requestId) {
        if (model.equals(knownId)) {
            return Uni.createFrom().voidItem();
        }
        return describe(caller, requestId).map(m -> {
            if (!m.get("id").asText().equals(model)) {
                throw new ModelNotFoundException(model);
            }
            return null;
        });
    }
}
