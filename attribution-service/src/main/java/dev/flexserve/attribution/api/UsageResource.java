package dev.flexserve.attribution.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flexserve.attribution.report.UsageQuery;
import dev.flexserve.attribution.report.UsageReport;
import dev.flexserve.attribution.report.UsageRow;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The internal usage report API: {@code GET /internal/v1/usage} with the filters and {@code group_by} of
 * {@link UsageQuery}; JSON ({@code {"object": "list", "data": [...]}}) unless the client prefers {@code text/csv}.
 * The gateway calls it with the caller's organisation enforced; this service does not authenticate callers itself.
 */
@Path("/internal/v1/usage")
public class UsageResource {
    static final String TEXT_CSV = "text/csv";
    static final List<String> MEASURES = List.of("requests", "tokens", "prompt_tokens", "weight_tokens");

    private final UsageReport report;

    public UsageResource(UsageReport report) {
        this.report = report;
    }

    public record UsageList(@JsonProperty("object") String object, @JsonProperty("data") List<Map<String, Object>> data) {
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV})
    public Response usage(@Context UriInfo uri, @Context HttpHeaders headers) {
        UsageQuery query = UsageQuery.parse(uri.getQueryParameters());
        List<UsageRow> rows = report.run(query);
        if (prefersCsv(headers)) {
            return Response.ok(UsageCsv.write(query.groupBy(), rows), TEXT_CSV + "; charset=utf-8").build();
        }
        return Response.ok(new UsageList("list", rows.stream().map(UsageResource::json).toList()), MediaType.APPLICATION_JSON).build();
    }

    /** CSV when the most preferred acceptable type that this endpoint serves is CSV; JSON for *&#47;* and no Accept. */
    private static boolean prefersCsv(HttpHeaders headers) {
        for (MediaType t : headers.getAcceptableMediaTypes()) {
            if (t.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
            if (t.isCompatible(MediaType.valueOf(TEXT_CSV))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> json(UsageRow r) {
        Map<String, Object> row = new LinkedHashMap<>(r.keys());
        row.put("requests", r.requests());
        row.put("tokens", r.tokens());
        row.put("prompt_tokens", r.promptTokens());
        row.put("weight_tokens", r.weightTokens());
        return row;
    }
}
