package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.flexserve.platform.GatewayHttp.call;
import static dev.flexserve.platform.GatewayHttp.get;
import static dev.flexserve.platform.GatewayHttp.post;
import static dev.flexserve.platform.RouterHttp.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Owners' control through the gateway's owner API, across processes, while consumers' requests run: a policy
 * change and a revocation take effect at the next decode step of the requests already running — once the call
 * returns, the expert-service computes nothing more for them (counted in its own metrics) — and the requests go on
 * without the expert. Runs last among the gateway suites: revocation is final.
 */
@Order(4)
@ExtendWith(GatewayPlatform.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwnerControlTest {
    static GatewayPlatform.Running p;
    static String gateway;
    static String model;

    @BeforeAll
    static void platform() {
        p = GatewayPlatform.running();
        gateway = p.gateway();
        model = get(gateway + "/v1/models", p.token("acme", "consumer")).body().at("/data/0/id").asText();
    }

    @Test
    @Order(1)
    void aPolicyChangeTakesEffectAtTheNextDecodeStepOfRunningRequests() throws Exception {
        String owner = p.token("demo-org-2", "owner");
        List<GatewayHttp.Stream> streams = start(4, "[\"public\", \"expert-2\"]");
        double before = calls("expert-2");
        GatewayHttp.Reply changed = call("PUT", gateway + "/v1/experts/expert-2/policy", owner, "{\"organizations\": [\"globex\"]}");
        assertEquals(200, changed.status(), changed.raw());
        assertThat(changed.body().at("/policy/organizations/0").asText()).isEqualTo("globex");
        double atChange = calls("expert-2");
        assertThat(before).as("expert-2 computed the streams' first tokens").isGreaterThan(0);
        try {
            int continuedWithout = 0;
            for (GatewayHttp.Stream s : streams) {
                JsonNode last = s.last.get(3, TimeUnit.MINUTES);
                assertThat(last.at("/choices/0/finish_reason").asText()).isIn("length", "stop");
                int withExpert2 = attribution(last, "expert-2").get("tokens").asInt();
                int all = attribution(last, "public").get("tokens").asInt();
                assertThat(withExpert2).isLessThanOrEqualTo(all);
                continuedWithout += withExpert2 < all ? 1 : 0;
            }
            assertThat(continuedWithout).as("streams went on without expert-2 after the change").isGreaterThan(0);
            assertEquals(atChange, calls("expert-2"), "no call reached expert-2 for acme after the policy change returned");
        } finally {
            assertEquals(200, call("PUT", gateway + "/v1/experts/expert-2/policy", owner, "{\"organizations\": [\"*\"]}").status());
        }
    }

    @Test
    @Order(2)
    void aRevocationTakesEffectAtTheNextDecodeStepAndIsFinal() throws Exception {
        String owner = p.token("demo-org-4", "owner");
        List<GatewayHttp.Stream> streams = start(8, null);
        GatewayHttp.Reply revoked = post(gateway + "/v1/experts/expert-4/revoke", owner, null);
        assertEquals(200, revoked.status(), revoked.raw());
        assertEquals("revoked", revoked.body().get("status").asText());
        double atRevoke = calls("expert-4");
        for (GatewayHttp.Stream s : streams) {
            JsonNode last = s.last.get(3, TimeUnit.MINUTES);
            assertThat(last.at("/choices/0/finish_reason").asText()).isIn("length", "stop");
            assertEquals(0, last.get("dropped_experts").size(), last.toString());
        }
        assertEquals(atRevoke, calls("expert-4"), "no call reached expert-4 after the revoke call returned");

        String consumer = p.token("acme", "consumer");
        GatewayHttp.Reply refused = post(gateway + "/v1/completions", consumer, "{\"model\": \"" + model
                + "\", \"prompt\": \"x\", \"max_tokens\": 2, \"experts\": {\"include\": [\"expert-4\"]}}");
        assertEquals(403, refused.status(), refused.raw());
        assertThat(get(gateway + "/v1/models", consumer).body().at("/data/0/experts").findValuesAsText("id")).doesNotContain("expert-4");
        assertEquals("revoked", get(gateway + "/v1/experts/expert-4", owner).body().get("status").asText());
        GatewayHttp.Reply again = post(gateway + "/v1/experts/expert-4/activate", owner, null);
        assertEquals(409, again.status(), again.raw());
        assertThat(again.body().at("/error/message").asText()).contains("revocation is final");
    }

    /** {@code n} streams of acme through the gateway, each started (two chunks in) before this returns. */
    static List<GatewayHttp.Stream> start(int n, String include) throws InterruptedException {
        String token = p.token("acme", "consumer");
        CountDownLatch started = new CountDownLatch(n);
        List<GatewayHttp.Stream> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String experts = include == null ? "" : ", \"experts\": {\"include\": " + include + "}";
            streams.add(GatewayHttp.stream(gateway + "/v1/completions", token, "{\"model\": \"" + model + "\", \"prompt\": \"Stream "
                    + i + " of the committee\", \"max_tokens\": 80, \"temperature\": 0, \"stream\": true" + experts + "}", started));
        }
        assertTrue(started.await(2, TimeUnit.MINUTES), "every stream produced tokens");
        return streams;
    }

    static double calls(String expert) {
        return counter(RouterHttp.text(p.platform().expert(expert).url() + "/q/metrics"), "flexserve_expert_requests_total",
                "expert=\"" + expert + "\"");
    }

    static JsonNode attribution(JsonNode last, String expert) {
        for (JsonNode a : last.get("attribution")) {
            if (a.get("expert").asText().equals(expert)) {
                return a;
            }
        }
        throw new AssertionError(expert + " is not in the attribution of " + last);
    }
}
