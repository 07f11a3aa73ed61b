package dev.flexserve.gateway.quota;

import dev.flexserve.gateway.caller.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code GET /v1/quotas} for operators: every organization's limits, what is left now, and cumulative counters. */
@Path("/v1/quotas")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.OPERATOR)
public class QuotasResource {
    private final QuotaLimiter limiter;

    public QuotasResource(QuotaLimiter limiter) {
        this.limiter = limiter;
    }

    public record QuotaList(String object, List<QuotaLimiter.Standing> data) {
    }

    @GET
    public QuotaList list() {
        return new QuotaList("list", limiter.all());
    }
}
