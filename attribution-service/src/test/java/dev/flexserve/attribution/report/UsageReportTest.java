package dev.flexserve.attribution.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.ExpertContribution;
import dev.flexserve.attribution.testing.KafkaAndPostgres;
import dev.flexserve.attribution.testing.Pipeline;
import dev.flexserve.attribution.testing.TestEvents;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.flexserve.attribution.testing.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Every report grouping and filter against sums computed here, independently, from the events the test sent
 * through Kafka. The events lie in March 2031, so no other test's events fall into these queries' window.
 */
@QuarkusTest
@QuarkusTestResource(KafkaAndPostgres.class)
class UsageReportTest {
    static final Instant START = Instant.parse("2031-03-01T00:00:00Z");
    static final Instant END = Instant.parse("2031-03-04T00:00:00Z");
    static final Instant MIDNIGHT = Instant.parse("2031-03-02T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH':00:00Z'").withZone(ZoneOffset.UTC);
    private static List<AttributionEvent> sent;

    /** The data set, sent once: 90 events at random times over three days, one exactly at a midnight. */
    static synchronized List<AttributionEvent> events() throws Exception {
        if (sent == null) {
            TestEvents events = new TestEvents(2031);
            Random times = new Random(3);
            List<AttributionEvent> all = new ArrayList<>();
            all.add(events.at(MIDNIGHT));
            for (int i = 1; i < 90; i++) {
                all.add(events.at(START.plusSeconds(times.nextInt((int) (END.getEpochSecond() - START.getEpochSecond())))));
            }
            all.forEach(Pipeline::send);
            await().atMost(Pipeline.PATIENCE).until(() -> storedInWindow() == all.size());
            sent = all;
        }
        return sent;
    }

    private static int storedInWindow() throws Exception {
        try (Connection c = KafkaAndPostgres.database(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from attribution_response where event_time >= '" + START
                     + "' and event_time < '" + END + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "", "group_by=none", "group_by=expert", "group_by=owner", "group_by=organization", "group_by=hour", "group_by=day",
            "group_by=expert,organization", "group_by=owner,day", "group_by=organization,hour", "group_by=day,owner,expert",
            "group_by=organization,owner", "group_by=expert,owner,organization,day",
            "expert=hospital-notes", "expert=case-law&group_by=organization,day", "owner=lawfirm", "owner=hospital&group_by=day,expert",
            "organization=acme", "organization=globex&group_by=expert", "organization=initech&group_by=owner,hour",
            "from=2031-03-02&until=2031-03-03", "from=2031-03-02&group_by=day", "until=2031-03-02&group_by=day,organization",
            "from=2031-03-02T06:00:00Z&until=2031-03-02T18:30:00%2B01:00&group_by=hour",
            "organization=acme&owner=hospital&from=2031-03-01T12:00:00Z&group_by=expert,day"})
    void reportsEqualTheSumsOfTheEventsSent(String query) throws Exception {
        Map<String, String> params = params(query);
        assertRows(report(params), expected(events(), params), params);
    }

    @Test
    void oneResponseByRequestId() throws Exception {
        AttributionEvent e = events().get(17);
        for (String groupBy : List.of("none", "expert", "owner,organization")) {
            Map<String, String> params = Map.of("request_id", e.requestId(), "group_by", groupBy);
            List<JsonNode> rows = report(params);
            assertRows(rows, expected(events(), params), params);
        }
        JsonNode total = report(Map.of("request_id", e.requestId())).get(0);
        assertThat(total.get("requests").asLong()).isEqualTo(1);
        assertThat(total.get("tokens").asLong()).isEqualTo(e.usage().completionTokens());
        assertThat(total.get("prompt_tokens").asLong()).isEqualTo(e.usage().promptTokens());
    }

    @Test
    void fromIsInclusiveAndUntilExclusive() throws Exception {
        events();
        assertThat(report(Map.of("from", "2031-03-02T00:00:00Z", "until", "2031-03-02T00:00:01Z")).get(0).get("requests").asLong())
                .as("an event exactly at from is in").isGreaterThanOrEqualTo(1);
        assertThat(report(Map.of("from", "2031-03-01T23:59:59Z", "until", "2031-03-02T00:00:00Z")).get(0).get("requests").asLong())
                .as("an event exactly at until is out")
                .isEqualTo(expected(events(), Map.of("from", "2031-03-01T23:59:59Z", "until", "2031-03-02T00:00:00Z")).values()
                        .iterator().next().requests);
    }

    @Test
    void hoursComeInOrder() throws Exception {
        events();
        List<String> hours = report(params("group_by=hour")).stream().map(r -> r.get("hour").asText()).toList();
        assertThat(hours).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void csvHasTheSameRowsAsJson() throws Exception {
        events();
        Map<String, String> params = params("group_by=expert,organization");
        String csv = given().queryParams(params).accept("text/csv").get("/internal/v1/usage")
                .then().statusCode(200).contentType("text/csv").extract().asString();
        List<String> lines = Arrays.asList(csv.split("\r\n"));
        assertThat(lines.get(0)).isEqualTo("expert,organization,requests,tokens,prompt_tokens,weight_tokens");
        List<JsonNode> json = report(params);
        assertThat(lines).hasSize(json.size() + 1);
        for (int i = 0; i < json.size(); i++) {
            JsonNode r = json.get(i);
            String organization = r.get("organization").isNull() ? "" : r.get("organization").asText();
            assertThat(lines.get(i + 1)).isEqualTo(String.join(",", r.get("expert").asText(), organization,
                    r.get("requests").asText(), r.get("tokens").asText(), r.get("prompt_tokens").asText(),
                    Double.toString(r.get("weight_tokens").asDouble())));
        }
    }

    @Test
    void jsonIsTheDefaultAndAListObject() throws Exception {
        events();
        given().queryParams(params("group_by=owner")).get("/internal/v1/usage").then().statusCode(200)
                .contentType("application/json");
        String body = given().queryParams(params("group_by=owner")).accept("*/*").get("/internal/v1/usage")
                .then().statusCode(200).contentType("application/json").extract().asString();
        assertThat(JSON.readTree(body).get("object").asText()).isEqualTo("list");
    }

    /** The window of the data set, unless the query sets its own bounds. */
    private static Map<String, String> params(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], kv[1].replace("%2B", "+"));
            }
        }
        params.putIfAbsent("from", START.toString());
        params.putIfAbsent("until", END.toString());
        return params;
    }

    private static List<JsonNode> report(Map<String, String> params) throws Exception {
        String body = given().queryParams(params).get("/internal/v1/usage").then().statusCode(200).extract().asString();
        JsonNode root = JSON.readTree(body);
        assertThat(root.get("object").asText()).isEqualTo("list");
        List<JsonNode> rows = new ArrayList<>();
        root.get("data").forEach(rows::add);
        return rows;
    }

    static final class Sums {
        final Set<String> requests = new HashSet<>();
        long tokens;
        long promptTokens;
        double weightTokens;
    }

    record Expected(long requests, long tokens, long promptTokens, double weightTokens) {
    }

    /** The report as docs/attribution.md defines it, computed from the events themselves. */
    static Map<List<String>, Expected> expected(List<AttributionEvent> events, Map<String, String> params) {
        List<String> groupBy = groupBy(params);
        boolean perContribution = params.containsKey("expert") || params.containsKey("owner")
                || groupBy.contains("expert") || groupBy.contains("owner");
        Instant from = time(params.get("from"));
        Instant until = time(params.get("until"));
        Map<List<String>, Sums> sums = new LinkedHashMap<>();
        for (AttributionEvent e : events) {
            if ((from != null && e.time().isBefore(from)) || (until != null && !e.time().isBefore(until))
                    || (params.containsKey("organization") && !params.get("organization").equals(e.organization()))
                    || (params.containsKey("request_id") && !params.get("request_id").equals(e.requestId()))) {
                continue;
            }
            if (!perContribution) {
                Sums s = sums.computeIfAbsent(key(groupBy, e, null), k -> new Sums());
                s.requests.add(e.id());
                s.tokens += e.usage().completionTokens();
                s.promptTokens += e.usage().promptTokens();
                s.weightTokens += e.experts().stream().mapToDouble(x -> x.weight() * e.usage().completionTokens()).sum();
                continue;
            }
            for (ExpertContribution x : e.experts()) {
                if ((x.tokens() == 0 && x.promptTokens() == 0)
                        || (params.containsKey("expert") && !params.get("expert").equals(x.expert()))
                        || (params.containsKey("owner") && !params.get("owner").equals(x.owner()))) {
                    continue;
                }
                Sums s = sums.computeIfAbsent(key(groupBy, e, x), k -> new Sums());
                s.requests.add(e.id());
                s.tokens += x.tokens();
                s.promptTokens += x.promptTokens();
                s.weightTokens += x.weight() * e.usage().completionTokens();
            }
        }
        if (groupBy.isEmpty() && sums.isEmpty()) {
            sums.put(List.of(), new Sums());
        }
        Map<List<String>, Expected> out = new HashMap<>();
        sums.forEach((k, s) -> out.put(k, new Expected(s.requests.size(), s.tokens, s.promptTokens, s.weightTokens)));
        return out;
    }

    private static List<String> key(List<String> groupBy, AttributionEvent e, ExpertContribution x) {
        List<String> key = new ArrayList<>();
        for (String g : groupBy) {
            key.add(switch (g) {
                case "expert" -> x.expert();
                case "owner" -> x.owner();
                case "organization" -> e.organization();
                case "hour" -> HOUR.format(e.time());
                case "day" -> LocalDate.ofInstant(e.time(), ZoneOffset.UTC).toString();
                default -> throw new IllegalArgumentException(g);
            });
        }
        return key;
    }

    private static List<String> groupBy(Map<String, String> params) {
        String g = params.getOrDefault("group_by", "none");
        return g.equals("none") ? List.of() : List.of(g.split(","));
    }

    private static Instant time(String v) {
        if (v == null) {
            return null;
        }
        return v.length() == 10 ? LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC) : OffsetDateTime.parse(v).toInstant();
    }

    private static void assertRows(List<JsonNode> rows, Map<List<String>, Expected> expected, Map<String, String> params) {
        List<String> groupBy = groupBy(params);
        assertThat(expected).as("the query selects something").isNotEmpty();
        Map<List<String>, JsonNode> byKey = new HashMap<>();
        for (JsonNode r : rows) {
            List<String> key = new ArrayList<>();
            for (String g : groupBy) {
                key.add(r.get(g).isNull() ? null : r.get(g).asText());
            }
            assertThat(r.size()).as("a row holds its keys and the four measures").isEqualTo(groupBy.size() + 4);
            assertThat(byKey.put(key, r)).as("one row per key " + key).isNull();
        }
        assertThat(byKey.keySet()).as("the rows' keys").containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, e) -> {
            JsonNode r = byKey.get(key);
            assertThat(r.get("requests").asLong()).as("requests of " + key).isEqualTo(e.requests());
            assertThat(r.get("tokens").asLong()).as("tokens of " + key).isEqualTo(e.tokens());
            assertThat(r.get("prompt_tokens").asLong()).as("prompt_tokens of " + key).isEqualTo(e.promptTokens());
            assertThat(r.get("weight_tokens").asDouble()).as("weight_tokens of " + key)
                    .isCloseTo(e.weightTokens(), within(1e-9 * Math.max(1, e.weightTokens())));
        });
    }
}
