package dev.flexserve.gateway.operations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.caller.CallerResolver;
import dev.flexserve.gateway.errors.UpstreamException;
import dev.flexserve.gateway.requests.RequestIds;
import dev.flexserve.gateway.router.RouterClient;
import dev.flexserve.gateway.router.RouterSettings;
import dev.flexserve.gateway.usage.UsageSettings;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestHeader;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's live view of the platform, for the console's operator page: every service's health and the router's
 * figures, read from the services' own health and Prometheus endpoints over the internal network (a browser cannot
 * reach those, and should not). Role {@code operator} only: health and load say who runs what and how busy it is.
 */
@Path("/v1/operations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.OPERATOR)
@Blocking
public class OperationsResource {
    static final Duration ROUTER_WAIT = Duration.ofSeconds(5);

    private final RouterClient router;
    private final RouterSettings routerSettings;
    private final UsageSettings attributionSettings;
    private final ServiceProbe probe;
    private final CallerResolver callers;
    private final SecurityIdentity identity;

    public OperationsResource(RouterClient router, RouterSettings routerSettings, UsageSettings attributionSettings,
                              ServiceProbe probe, CallerResolver callers, SecurityIdentity identity) {
        this.router = router;
        this.routerSettings = routerSettings;
        this.attributionSettings = attributionSettings;
        this.probe = probe;
        this.callers = callers;
        this.identity = identity;
    }

    /** One service's health; for an expert-service, which expert it serves and that expert's registry status. */
    public record ServiceHealth(String name, String kind, String url, String status, String detail, String expert,
                                String owner, String expertStatus) {
    }

    public record HealthReport(String object, Instant checkedAt, List<ServiceHealth> data) {
    }

    /** A latency distribution since the router started: count, mean and bucket-resolution p50/p99, in seconds. */
    public record Latency(long count, Double mean, Double p50, Double p99) {
    }

    /** One expert's Forward calls as the router counts them, cumulative; rates come from two samples' difference. */
    public record ExpertCalls(String expert, String owner, long calls, long failures) {
    }

    public record MetricsReport(String object, Instant sampledAt, boolean routerReachable, Double requestsRunning,
                                Double requestsQueued, Latency timeToFirstToken, Latency interTokenLatency,
                                List<ExpertCalls> experts) {
    }

    @GET
    @Path("/health")
    public HealthReport health(@Context ContainerRequestContext request, @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        Caller caller = callers.resolve(identity, org);
        List<ServiceHealth> out = new ArrayList<>();
        out.add(new ServiceHealth("gateway", "gateway", null, ServiceProbe.Health.UP, null, null, null, null));
        URI routerUrl = routerSettings.url();
        ServiceProbe.Health routerHealth = probe.health(routerUrl);
        out.add(service("router-service", "router", routerUrl, routerHealth));
        out.add(service("attribution-service", "attribution", attributionSettings.url(), probe.health(attributionSettings.url())));
        out.addAll(expertServices(caller, RequestIds.of(request)));
        return new HealthReport("list", Instant.now(), out);
    }

    /**
     * The health of the expert-services of the experts the caller manages: an owner its organization's (the router's
     * registry scopes the list, as for {@code GET /v1/experts}), an operator all. The owner dashboard shows these.
     */
    @GET
    @Path("/experts")
    @RolesAllowed({Caller.OWNER, Caller.OPERATOR})
    public HealthReport experts(@Context ContainerRequestContext request, @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        return new HealthReport("list", Instant.now(), expertServices(callers.resolve(identity, org), RequestIds.of(request)));
    }

    private List<ServiceHealth> expertServices(Caller caller, String requestId) {
        List<ServiceHealth> out = new ArrayList<>();
        JsonNode experts = experts(caller, requestId);
        if (experts == null) {
            return out;
        }
        for (JsonNode e : experts.path("data")) {
            String id = e.path("id").asText();
            String status = e.path("status").asText();
            for (String endpoint : e.path("endpoints").asText("").split(",")) {
                if (endpoint.isBlank()) {
                    continue;
                }
                URI base = httpBase(endpoint.strip());
                ServiceProbe.Health h = base == null
                        ? new ServiceProbe.Health("unknown", "no HTTP address in endpoint '" + endpoint + "'")
                        : probe.health(base);
                out.add(new ServiceHealth("expert-" + id, "expert", base == null ? null : base.toString(), h.status(),
                        h.detail(), id, e.path("owner").asText(), status));
            }
        }
        return out;
    }

    @GET
    @Path("/metrics")
    public MetricsReport metrics(@Context ContainerRequestContext request, @RestHeader(CallerResolver.ORGANIZATION_HEADER) String org) {
        callers.resolve(identity, org);
        PrometheusText m = probe.metrics(routerSettings.url());
        if (m == null) {
            return new MetricsReport("operations.metrics", Instant.now(), false, null, null, null, null, List.of());
        }
        Map<String, long[]> calls = new LinkedHashMap<>();
        Map<String, String> owners = new LinkedHashMap<>();
        for (PrometheusText.Sample s : m.samples("flexserve_expert_requests_total")) {
            String expert = s.labels().getOrDefault("expert", "?");
            owners.putIfAbsent(expert, s.labels().getOrDefault("owner", ""));
            long[] c = calls.computeIfAbsent(expert, k -> new long[2]);
            String outcome = s.labels().getOrDefault("outcome", "");
            // "retried" counts a second attempt of a call already counted; it is neither a new call nor its failure.
            if (outcome.equals("retried")) {
                continue;
            }
            c[0] += (long) s.value();
            if (!outcome.equals("ok")) {
                c[1] += (long) s.value();
            }
        }
        List<ExpertCalls> experts = new ArrayList<>();
        calls.forEach((id, c) -> experts.add(new ExpertCalls(id, owners.get(id), c[0], c[1])));
        return new MetricsReport("operations.metrics", Instant.now(), true,
                gauge(m, "flexserve_requests_running"), gauge(m, "flexserve_requests_queued"),
                latency(m, "flexserve_time_to_first_token_seconds"), latency(m, "flexserve_inter_token_latency_seconds"),
                experts);
    }

    private JsonNode experts(Caller caller, String requestId) {
        try {
            return router.get("/admin/experts", caller, requestId).await().atMost(ROUTER_WAIT);
        } catch (UpstreamException | io.smallrye.mutiny.TimeoutException e) {
            // The router's own health line says why; the page shows the services it could still reach.
            return null;
        }
    }

    private static ServiceHealth service(String name, String kind, URI url, ServiceProbe.Health h) {
        return new ServiceHealth(name, kind, url.toString(), h.status(), h.detail(), null, null, null);
    }

    /** An expert endpoint is {@code host:port} of its gRPC server, which serves its HTTP endpoints too. */
    static URI httpBase(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1 || endpoint.contains("/")) {
            return null;
        }
        try {
            int port = Integer.parseInt(endpoint.substring(colon + 1));
            return port > 0 && port < 65536 ? URI.create("http://" + endpoint + "/") : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Double gauge(PrometheusText m, String name) {
        return m.has(name) ? m.sum(name) : null;
    }

    private static Latency latency(PrometheusText m, String name) {
        long count = (long) m.sum(name + "_count");
        Double mean = count == 0 ? null : m.sum(name + "_sum") / count;
        return new Latency(count, mean, m.quantile(name, 0.5), m.quantile(name, 0.99));
    }
}
