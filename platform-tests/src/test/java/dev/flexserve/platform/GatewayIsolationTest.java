package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.cli.identity.Identities;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.flexserve.platform.GatewayHttp.call;
import static dev.flexserve.platform.GatewayHttp.get;
import static dev.flexserve.platform.GatewayHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security claims as attacks against the running platform with a real Keycloak: every gateway endpoint called with
 * no token, an expired token, a badly signed one, a forged one, another realm's, one without an organization, the
 * wrong role and the wrong organization is refused (401, 403 or 404), and reading the state back — the registry's
 * statuses and policies, every organization's quota counters — shows nothing changed. Usage reports show an owner
 * only its own experts' use and a consumer only its own requests.
 */
@Order(1)
@ExtendWith(GatewayPlatform.class)
class GatewayIsolationTest {
    static final List<String> EXPERTS = List.of("expert-1", "expert-2", "expert-3", "expert-4");
    static GatewayPlatform.Running p;
    static String gateway;

    @BeforeAll
    static void platform() {
        p = GatewayPlatform.running();
        gateway = p.gateway();
    }

    /** Every endpoint of the gateway's API, with a body that would be valid for a caller allowed to make the call. */
    static List<String[]> endpoints() {
        String model = modelId();
        return List.of(
                new String[]{"POST", "/v1/completions", "{\"model\": \"" + model + "\", \"prompt\": \"Hi\", \"max_tokens\": 2}"},
                new String[]{"POST", "/v1/chat/completions", "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 2}"},
                new String[]{"GET", "/v1/models", null},
                new String[]{"GET", "/v1/models/" + model, null},
                new String[]{"GET", "/v1/experts", null},
                new String[]{"GET", "/v1/experts/expert-1", null},
                new String[]{"PUT", "/v1/experts/expert-1/policy", "{\"organizations\": [\"acme\"]}"},
                new String[]{"POST", "/v1/experts/expert-1/deactivate", null},
                new String[]{"POST", "/v1/experts/expert-1/revoke", null},
                new String[]{"POST", "/v1/experts/expert-1/activate", null},
                new String[]{"GET", "/v1/quotas", null},
                new String[]{"GET", "/v1/usage?group_by=expert", null});
    }

    static String modelId() {
        return get(gateway + "/v1/models", p.token("acme", "consumer")).body().at("/data/0/id").asText();
    }

    @Test
    void tokensThatProveNothingAreAnswered401AndChangeNothing() throws Exception {
        Map<String, Object> before = state();
        String valid = p.token("acme", "consumer");
        Map<String, String> attackers = new LinkedHashMap<>();
        attackers.put("no token", null);
        attackers.put("garbage", "not-a-jwt");
        attackers.put("expired", expiredToken());
        attackers.put("bad signature", withBrokenSignature(valid));
        attackers.put("forged with another key", forged(valid));
        attackers.put("another realm", masterRealmToken());
        for (Map.Entry<String, String> a : attackers.entrySet()) {
            for (String[] e : endpoints()) {
                GatewayHttp.Reply r = call(e[0], gateway + e[1], a.getValue(), e[2]);
                assertEquals(401, r.status(), a.getKey() + " on " + e[0] + " " + e[1] + ": " + r.raw());
                assertEquals("authentication_error", r.body().at("/error/type").asText(), r.raw());
                assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
            }
        }
        assertEquals(before, state(), "401s changed the registry or the quotas");
    }

    @Test
    void aTokenWithoutOrganizationOrWithTheWrongRoleIsAnswered403AndChangesNothing() throws Exception {
        Map<String, Object> before = state();
        String stray = strayToken();
        String acmeOwner = p.token("acme", "owner");
        String acmeConsumer = p.token("acme", "consumer");
        for (String[] e : endpoints()) {
            GatewayHttp.Reply r = call(e[0], gateway + e[1], stray, e[2]);
            assertEquals(403, r.status(), "no organization on " + e[1] + ": " + r.raw());
        }
        for (String[] e : endpoints()) {
            if (e[1].startsWith("/v1/usage")) {
                continue; // every role reads usage, each its own
            }
            boolean consumerCall = e[1].startsWith("/v1/completions") || e[1].startsWith("/v1/chat") || e[1].startsWith("/v1/models");
            String wrongRole = consumerCall ? acmeOwner : acmeConsumer;
            GatewayHttp.Reply r = call(e[0], gateway + e[1], wrongRole, e[2]);
            assertEquals(403, r.status(), "wrong role on " + e[1] + ": " + r.raw());
            assertEquals("insufficient_role", r.errorCode(), r.raw());
        }
        for (String owner : List.of(p.token("demo-org-1", "owner"), acmeConsumer)) {
            assertEquals(403, get(gateway + "/v1/quotas", owner).status(), "only operators read every organization's quota");
        }
        assertEquals(before, state(), "403s changed the registry or the quotas");
    }

    @Test
    void anOwnerActsOnlyOnItsOwnOrganizationsExperts() throws Exception {
        Map<String, Object> before = state();
        String intruder = p.token("demo-org-2", "owner");
        for (String[] e : endpoints()) {
            if (!e[1].startsWith("/v1/experts/expert-1")) {
                continue;
            }
            GatewayHttp.Reply r = call(e[0], gateway + e[1], intruder, e[2]);
            assertEquals(404, r.status(), "another owner's " + e[0] + " " + e[1] + ": " + r.raw());
            assertEquals("unknown expert 'expert-1'", r.body().at("/error/message").asText(), "its existence does not leak");
        }
        assertEquals(404, get(gateway + "/v1/experts/no-such-expert", intruder).status());
        JsonNode own = get(gateway + "/v1/experts", intruder).body();
        assertThat(own.findValuesAsText("id")).containsExactly("expert-2");
        assertThat(get(gateway + "/v1/experts", p.token("acme", "owner")).body().get("data")).isEmpty();
        assertThat(get(gateway + "/v1/experts", p.token("flexserve", "operator")).body().findValuesAsText("id"))
                .containsExactlyElementsOf(EXPERTS);
        assertEquals(before, state(), "another organization's owner changed something");
    }

    @Test
    void aConsumerNeverUsesAnExpertItsPolicyDoesNotGrant() throws Exception {
        String owner3 = p.token("demo-org-3", "owner");
        String acme = p.token("acme", "consumer");
        String globex = p.token("globex", "consumer");
        String model = modelId();
        GatewayHttp.Reply set = call("PUT", gateway + "/v1/experts/expert-3/policy", owner3, "{\"organizations\": [\"globex\"]}");
        assertEquals(200, set.status(), set.raw());
        try {
            GatewayHttp.Reply served = post(gateway + "/v1/completions", acme, "{\"model\": \"" + model
                    + "\", \"prompt\": \"Hello\", \"max_tokens\": 3, \"temperature\": 0}");
            assertEquals(200, served.status(), served.raw());
            assertThat(served.body().get("attribution").findValuesAsText("expert")).doesNotContain("expert-3");
            Map<String, Object> before = state();
            GatewayHttp.Reply refused = post(gateway + "/v1/completions", acme, "{\"model\": \"" + model
                    + "\", \"prompt\": \"Hello\", \"max_tokens\": 3, \"experts\": {\"include\": [\"expert-3\"]}}");
            assertEquals(403, refused.status(), refused.raw());
            assertThat(refused.body().at("/error/message").asText()).contains("expert-3").contains("acme");
            assertEquals(before, state(), "a refused request is not charged and changes nothing");

            assertThat(get(gateway + "/v1/models", acme).body().at("/data/0/experts").findValuesAsText("id"))
                    .doesNotContain("expert-3").contains("public", "expert-1");
            assertThat(get(gateway + "/v1/models", globex).body().at("/data/0/experts").findValuesAsText("id")).contains("expert-3");
            GatewayHttp.Reply granted = post(gateway + "/v1/completions", globex, "{\"model\": \"" + model
                    + "\", \"prompt\": \"Hello\", \"max_tokens\": 3, \"experts\": {\"include\": [\"expert-3\"]}}");
            assertEquals(200, granted.status(), granted.raw());
        } finally {
            assertEquals(200, call("PUT", gateway + "/v1/experts/expert-3/policy", owner3, "{\"organizations\": [\"*\"]}").status());
        }
    }

    @Test
    void usageReportsShowEachOrganizationOnlyWhatIsItsOwn() throws Exception {
        String model = modelId();
        String acmeRequest = complete(p.token("acme", "consumer"), model, "[\"public\", \"expert-1\"]");
        String globexRequest = complete(p.token("globex", "consumer"), model, "[\"public\", \"expert-2\"]");
        String operator = p.token("flexserve", "operator");
        for (String id : List.of(acmeRequest, globexRequest)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (requests(get(gateway + "/v1/usage?request_id=" + id, operator).body()) == 0) {
                assertThat(System.nanoTime()).as("the attribution of %s is recorded", id).isLessThan(deadline);
                Thread.sleep(250);
            }
        }
        String owner1 = p.token("demo-org-1", "owner");
        JsonNode ownUse = get(gateway + "/v1/usage?group_by=expert,organization", owner1).body();
        assertThat(ownUse.findValuesAsText("expert")).as("an owner sees its own experts only").containsOnly("expert-1");
        assertThat(ownUse.findValuesAsText("organization")).contains("acme");
        assertThat(requests(get(gateway + "/v1/usage?request_id=" + globexRequest, owner1).body()))
                .as("another organization's request used none of its experts").isZero();
        assertThat(requests(get(gateway + "/v1/usage?request_id=" + acmeRequest, owner1).body())).isEqualTo(1);
        assertEquals(403, get(gateway + "/v1/usage?owner=demo-org-2", owner1).status());

        String acme = p.token("acme", "consumer");
        JsonNode acmeUse = get(gateway + "/v1/usage?group_by=organization", acme).body();
        assertThat(acmeUse.findValuesAsText("organization")).containsExactly("acme");
        assertThat(requests(get(gateway + "/v1/usage?request_id=" + globexRequest, acme).body())).isZero();
        assertThat(requests(get(gateway + "/v1/usage?request_id=" + acmeRequest, acme).body())).isEqualTo(1);
        assertEquals(403, get(gateway + "/v1/usage?organization=globex", acme).status());

        assertThat(get(gateway + "/v1/usage?request_id=" + globexRequest + "&group_by=expert", operator).body().findValuesAsText("expert"))
                .contains("expert-2", "public").doesNotContain("expert-1");
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway + "/v1/usage?group_by=expert")).header("Authorization", "Bearer " + owner1)
                .header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csv.statusCode(), csv.body());
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst().orElse("")).contains("expert").contains("weight_tokens");
        assertThat(csv.body()).doesNotContain("expert-2");
    }

    /** The {@code requests} of a report without grouping (its one row of totals). */
    static long requests(JsonNode report) {
        return report.at("/data/0/requests").asLong();
    }

    /** A completed request of {@code token}'s organization with the given experts; its request id. */
    static String complete(String token, String model, String include) {
        GatewayHttp.Reply r = post(gateway + "/v1/completions", token, "{\"model\": \"" + model
                + "\", \"prompt\": \"Hello\", \"max_tokens\": 3, \"temperature\": 0, \"experts\": {\"include\": " + include + "}}");
        assertEquals(200, r.status(), r.raw());
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    /** Every expert's status and policy as the router's registry holds them, and every organization's quota counters. */
    static Map<String, Object> state() throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        HttpResponse<String> registry = HttpClient.newHttpClient().send(p.platform().internal(p.router() + "/admin/experts").build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode e : GatewayHttp.JSON.readTree(registry.body()).get("data")) {
            s.put(e.get("id").asText(), e.get("status").asText() + " " + e.get("policy"));
        }
        for (JsonNode q : get(gateway + "/v1/quotas", p.token("flexserve", "operator")).body().get("data")) {
            s.put("quota " + q.get("organization").asText(), q.get("requests_total") + "/" + q.get("tokens_total") + "/" + q.get("rejected_total"));
        }
        return s;
    }

    /** A token of a client with a one-second lifespan, once its expiry has passed. */
    static String expiredToken() throws Exception {
        String secret = "brief-client-secret-0123456789abcdef";
        p.keycloak().admin().ensureClient("acme-brief", p.keycloak().admin().organizationId("acme"), "consumer", secret,
                Map.of("access.token.lifespan", "1"));
        String token = Identities.fetchToken(p.keycloak().issuer(), "acme-brief", secret);
        long exp = claims(token).get("exp").asLong();
        while (Instant.now().getEpochSecond() <= exp) {
            Thread.onSpinWait();
        }
        return token;
    }

    /** A token of a client whose service account holds the consumer role but belongs to no organization. */
    static String strayToken() throws Exception {
        String secret = "stray-client-secret-0123456789abcdef";
        p.keycloak().admin().ensureClient("stray-consumer", null, "consumer", secret, Map.of());
        String token = Identities.fetchToken(p.keycloak().issuer(), "stray-consumer", secret);
        assertThat(claims(token).has("organization")).as("the stray token carries no organization").isFalse();
        return token;
    }

    /** The admin's token from Keycloak's master realm: properly signed, by the same server, for another realm. */
    static String masterRealmToken() throws Exception {
        String token = p.keycloak().admin().adminToken();
        assertThat(claims(token).get("iss").asText()).endsWith("/realms/master");
        return token;
    }

    /** A valid token whose signature has one character changed. */
    static String withBrokenSignature(String token) {
        int dot = token.lastIndexOf('.');
        char c = token.charAt(dot + 5);
        return token.substring(0, dot + 5) + (c == 'A' ? 'B' : 'A') + token.substring(dot + 6);
    }

    /** The claims of a valid token, signed with a key Keycloak never issued, under the realm key's id. */
    static String forged(String token) throws Exception {
        String[] parts = token.split("\\.");
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
    }

    static JsonNode claims(String token) throws Exception {
        return GatewayHttp.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
