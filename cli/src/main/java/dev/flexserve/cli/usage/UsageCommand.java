package dev.flexserve.cli.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.cli.gateway.GatewayClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * {@code flexserve usage --token T [--expert X] [--by organization|hour|day]}: an attribution report from the running
 * platform's gateway ({@code GET /v1/usage}), as a table. The token decides the scope: an owner sees the use of its
 * organization's experts, a consumer its organization's requests, an operator everything.
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Print an attribution report of the running platform (the gateway's /v1/usage) as a table, one row per expert "
                + "(and organization, hour or day with --by).")
public final class UsageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL", description = "The gateway. Default: ${DEFAULT-VALUE}")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer access token (see 'flexserve token'). Default: the FLEXSERVE_TOKEN variable.")
    String token;

    @Option(names = "--expert", paramLabel = "ID", description = "Only this expert.")
    String expert;

    @Option(names = "--by", paramLabel = "DIMENSION", description = "Split the rows further: organization, hour or day.")
    String by;

    @Option(names = "--from", paramLabel = "TIME", description = "From this time (ISO-8601, e.g. 2026-12-01 or 2026-12-01T10:00:00Z), inclusive.")
    String from;

    @Option(names = "--until", paramLabel = "TIME", description = "Until this time, exclusive.")
    String until;

    static final List<String> MEASURES = List.of("requests", "tokens", "prompt_tokens", "weight_tokens");

    @Override
    public Integer call() {
        if (by != null && !List.of("organization", "hour", "day").contains(by)) {
            throw new ParameterException(spec.commandLine(), "--by takes organization, hour or day, not '" + by + "'");
        }
        String bearer = token != null ? token : System.getenv("FLEXSERVE_TOKEN");
        if (bearer == null || bearer.isBlank()) {
            throw new ParameterException(spec.commandLine(), "a token is needed: pass --token or set FLEXSERVE_TOKEN "
                    + "(e.g. export FLEXSERVE_TOKEN=$(./flexserve token --organization demo-code-owner --role owner))");
        }
        StringJoiner query = new StringJoiner("&", "/v1/usage?", "");
        query.add("group_by=" + enc(by == null ? "expert" : "expert," + by));
        for (String[] p : new String[][]{{"expert", expert}, {"from", from}, {"until", until}}) {
            if (p[1] != null) {
                query.add(p[0] + "=" + enc(p[1]));
            }
        }
        JsonNode rows = new GatewayClient(url, bearer.trim(), null).get(query.toString()).path("data");
        print(rows, spec.commandLine().getOut());
        return 0;
    }

    /** Columns: the rows' keys other than the measures (in their order), then the measures; numbers right-aligned. */
    static void print(JsonNode rows, PrintWriter out) {
        List<String> columns = new ArrayList<>();
        for (JsonNode row : rows) {
            for (Iterator<String> names = row.fieldNames(); names.hasNext(); ) {
                String n = names.next();
                if (!MEASURES.contains(n) && !columns.contains(n)) {
                    columns.add(n);
                }
            }
        }
        int keys = columns.size();
        columns.addAll(MEASURES);
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.toArray(String[]::new));
        for (JsonNode row : rows) {
            String[] line = new String[columns.size()];
            for (int i = 0; i < line.length; i++) {
                JsonNode v = row.path(columns.get(i));
                line[i] = v.isMissingNode() || v.isNull() ? "" : v.isFloatingPointNumber() ? String.format(Locale.ROOT, "%.2f", v.asDouble()) : v.asText();
            }
            cells.add(line);
        }
        int[] width = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                String cell = i < keys ? String.format("%-" + width[i] + "s", line[i]) : String.format("%" + width[i] + "s", line[i]);
                b.append(i == 0 ? "" : "  ").append(cell);
            }
            out.println(b.toString().stripTrailing());
        }
        if (rows.isEmpty()) {
            out.println("(no usage recorded)");
        }
        out.flush();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
