package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.flexserve.platform.GatewayHttp.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No lost attribution (DESIGN §4), shown under load with real processes: 32 concurrent streams through the gateway for
 * more than two minutes while, in turn, the Kafka broker is stopped and restarted, the attribution-service is killed
 * (SIGKILL) and restarted, PostgreSQL is restarted, and the router is killed and restarted. Afterwards every response a
 * client received complete has exactly one record, equal to the attribution block the client received; no request
 * has two; and the report's totals equal the sums of what the clients received plus the records of responses that
 * never reached their client whole (which a record may, or may not, exist for).
 */
@Order(6)
@ExtendWith(GatewayPlatform.class)
class AttributionUnderFaultsTest {
    static final int STREAMS = 32;
    static final String ORGANIZATION = "umbrella";
    static final Duration LOAD = Duration.ofSeconds(135);

    /** What one client saw of one request. */
    record Outcome(String requestId, boolean complete, int completionTokens, Map<String, JsonNode> attribution) {
    }

    @Test
    void everyCompleteResponseHasExactlyOneRecordThroughKafkaAttributionDatabaseAndRouterFaults() throws Exception {
        GatewayPlatform.Running p = GatewayPlatform.running();
        String model = get(p.gateway() + "/v1/models", p.token("acme", "consumer")).body().at("/data/0/id").asText();
        AtomicReference<String> token = new AtomicReference<>(p.token(ORGANIZATION, "consumer"));
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < STREAMS; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int n = 0; running.get(); n++) {
                    Outcome o = stream(http, p.gateway(), token.get(), model, "fault-" + client + "-" + n, 8 + (client * 7 + n) % 40);
                    outcomes.add(o);
                    if (!o.complete()) {
                        pace();
                    }
                }
            }, "client-" + c);
            t.start();
            clients.add(t);
        }
        long start = System.nanoTime();
        double spooledBeforeRouterKill;
        try {
            at(start, 15);
            p.platform().kafka().stop();
            at(start, 35);
            p.platform().kafka().start();
            token.set(p.token(ORGANIZATION, "consumer"));
            at(start, 50);
            spooledBeforeRouterKill = RouterHttp.counter(RouterHttp.text(p.router() + "/q/metrics"), "flexserve_attribution_handoffs_total", "path=\"spool\"");
            p.platform().attribution().kill();
            at(start, 60);
            p.platform().attribution().start();
            p.platform().attribution().awaitReady(Duration.ofMinutes(3));
            at(start, 75);
            p.platform().postgres().stop();
            p.platform().postgres().start();
            token.set(p.token(ORGANIZATION, "consumer"));
            at(start, 90);
            p.platform().router().kill();
            p.platform().router().start();
            p.platform().router().awaitReady(Duration.ofMinutes(3));
            token.set(p.token(ORGANIZATION, "consumer"));
            at(start, LOAD.toSeconds());
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(Duration.ofMinutes(3).toMillis());
            }
        }
        assertThat(spooledBeforeRouterKill).as("the router spooled events while Kafka was away").isGreaterThan(0);

        Map<String, Outcome> complete = new HashMap<>();
        Set<String> incomplete = new HashSet<>();
        for (Outcome o : outcomes) {
            if (o.complete()) {
                complete.put(o.requestId(), o);
            } else {
                incomplete.add(o.requestId());
            }
        }
        assertThat(complete.size()).as("responses completed under load").isGreaterThan(100);

        try (Connection db = DriverManager.getConnection(p.platform().postgres().jdbcUrl("attribution"), "flexserve",
                p.platform().postgres().password())) {
            awaitRecorded(db, complete.keySet());
            Map<String, Integer> rows = rowsPerRequest(db);
            assertThat(rows.values()).as("no request has two records").allMatch(n -> n == 1);
            for (Outcome o : complete.values()) {
                assertEquals(1, rows.getOrDefault(o.requestId(), 0), o.requestId() + " reached its client but has no record");
                assertEquals(o.completionTokens(), completionTokens(db, o.requestId()), o.requestId());
                Map<String, double[]> stored = contributions(db, o.requestId());
                assertEquals(o.attribution().keySet(), stored.keySet(), o.requestId());
                for (Map.Entry<String, JsonNode> a : o.attribution().entrySet()) {
                    double[] s = stored.get(a.getKey());
                    assertEquals(a.getValue().get("tokens").asInt(), (int) s[0], o.requestId() + " " + a.getKey());
                    assertEquals(a.getValue().get("prompt_tokens").asInt(), (int) s[1], o.requestId() + " " + a.getKey());
                    assertEquals(a.getValue().get("weight").asDouble(), s[2], 1e-12, o.requestId() + " " + a.getKey());
                }
            }
            Set<String> extra = new HashSet<>(rows.keySet());
            extra.removeAll(complete.keySet());
            assertThat(incomplete).as("records without a complete response belong to requests whose clients saw them fail")
                    .containsAll(extra);

            // The report's totals, through the gateway as the operator reads them.
            JsonNode report = get(p.gateway() + "/v1/usage?organization=" + ORGANIZATION, p.token("flexserve", "operator")).body();
            long expectedTokens = complete.values().stream().mapToLong(Outcome::completionTokens).sum();
            for (String id : extra) {
                expectedTokens += completionTokens(db, id);
            }
            assertEquals(complete.size() + extra.size(), report.at("/data/0/requests").asLong(), report.toString());
            assertEquals(expectedTokens, report.at("/data/0/tokens").asLong(), report.toString());
            JsonNode byExpert = get(p.gateway() + "/v1/usage?organization=" + ORGANIZATION + "&group_by=expert",
                    p.token("flexserve", "operator")).body();
            for (JsonNode row : byExpert.get("data")) {
                String expert = row.get("expert").asText();
                long tokens = 0;
                double weightTokens = 0;
                for (Outcome o : complete.values()) {
                    JsonNode a = o.attribution().get(expert);
                    if (a != null && a.get("tokens").asInt() > 0) {
                        tokens += a.get("tokens").asInt();
                        weightTokens += a.get("weight").asDouble() * o.completionTokens();
                    }
                }
                for (String id : extra) {
                    double[] s = contributions(db, id).get(expert);
                    if (s != null && s[0] > 0) {
                        tokens += (long) s[0];
                        weightTokens += s[2] * completionTokens(db, id);
                    }
                }
                assertEquals(tokens, row.get("tokens").asLong(), expert);
                assertEquals(weightTokens, row.get("weight_tokens").asDouble(), 1e-6 * Math.max(1, weightTokens), expert);
            }
            System.out.printf("attribution under faults: %d complete responses, %d failed or cut short, %d of those recorded%n",
                    complete.size(), incomplete.size(), extra.size());
        }
    }

    /** One streamed completion; complete when the final chunk, the usage chunk and [DONE] arrived without an error. */
    static Outcome stream(HttpClient http, String gateway, String token, String model, String requestId, int maxTokens) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/completions")).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"prompt\": \"Request " + requestId
                        + " of the committee\", \"max_tokens\": " + maxTokens + ", \"temperature\": 0, \"stream\": true, "
                        + "\"stream_options\": {\"include_usage\": true}}")).build();
        Map<String, JsonNode> attribution = new HashMap<>();
        int completion = -1;
        boolean ended = false;
        boolean done = false;
        try {
            HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                return new Outcome(requestId, false, 0, Map.of());
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    String data = line.substring(5).trim();
                    if (data.equals("[DONE]")) {
                        done = true;
                        break;
                    }
                    JsonNode chunk = GatewayHttp.JSON.readTree(data);
                    if (chunk.has("error")) {
                        return new Outcome(requestId, false, 0, Map.of());
                    }
                    if (chunk.at("/choices/0/finish_reason").isTextual()) {
                        ended = true;
                        chunk.get("attribution").forEach(a -> attribution.put(a.get("expert").asText(), a));
                    }
                    if (chunk.hasNonNull("usage")) {
                        completion = chunk.at("/usage/completion_tokens").asInt();
                    }
                }
            }
        } catch (Exception brokenOff) {
            return new Outcome(requestId, false, 0, Map.of());
        }
        boolean complete = done && ended && completion >= 0;
        return new Outcome(requestId, complete, Math.max(0, completion), complete ? attribution : Map.of());
    }

    /** Waits until the pipeline has caught up: every complete response recorded (or three minutes passed). */
    static void awaitRecorded(Connection db, Set<String> ids) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline && !rowsPerRequest(db).keySet().containsAll(ids)) {
            Thread.sleep(500);
        }
    }

    static Map<String, Integer> rowsPerRequest(Connection db) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement(
                "select request_id, count(*) from attribution_response where organization = ? group by request_id")) {
            s.setString(1, ORGANIZATION);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    static int completionTokens(Connection db, String requestId) throws Exception {
        try (PreparedStatement s = db.prepareStatement("select completion_tokens from attribution_response where request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    /** expert → {tokens, prompt_tokens, weight} of one response's record. */
    static Map<String, double[]> contributions(Connection db, String requestId) throws Exception {
        Map<String, double[]> out = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement("select c.expert, c.tokens, c.prompt_tokens, c.weight from attribution_contribution c "
                + "join attribution_response r on r.event_id = c.event_id where r.request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new double[]{rs.getInt(2), rs.getInt(3), rs.getDouble(4)});
                }
            }
        }
        return out;
    }

    /** Blocks until {@code seconds} after {@code start} (the fault schedule is a timeline of the load). */
    static void at(long start, long seconds) throws InterruptedException {
        long wait = start + seconds * 1_000_000_000L - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** A client that just saw a failure tries again after a moment instead of spinning against a service that is down. */
    static void pace() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
