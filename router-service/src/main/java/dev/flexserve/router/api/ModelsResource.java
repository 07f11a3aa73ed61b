package dev.flexserve.router.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flexserve.router.scheduler.Scheduler;
import dev.flexserve.router.trunk.Trunk;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /internal/v1/model}: the model this router serves and the experts the caller's organization may use
 * right now (evaluated at the call; nothing is cached, so a revocation or a policy change shows at once).
 */
@Path("/internal/v1/model")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    private final Scheduler scheduler;
    private final Trunk trunk;

    public ModelsResource(Scheduler scheduler, Trunk trunk) {
        this.scheduler = scheduler;
        this.trunk = trunk;
    }

    /** {@code created}: when this router loaded the model (Unix seconds). */
    public record ModelView(@JsonProperty("id") String id, @JsonProperty("trunk") String trunk,
                            @JsonProperty("created") long created,
                            @JsonProperty("context_length") int contextLength,
                            @JsonProperty("experts") List<Scheduler.AvailableExpert> experts) {
    }

    @GET
    public ModelView model(@Context HttpHeaders headers) {
        String organization = CallerHeaders.caller(headers).organization();
        return new ModelView(trunk.modelId(), trunk.trunkPackage().hash(), trunk.loadedAt().getEpochSecond(),
                trunk.trunkPackage().config().maxPositionEmbeddings(), scheduler.available(organization, Instant.now()));
    }
}
