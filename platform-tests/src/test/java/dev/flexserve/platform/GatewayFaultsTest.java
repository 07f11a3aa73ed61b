package dev.flexserve.platform;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static dev.flexserve.platform.GatewayHttp.get;
import static dev.flexserve.platform.GatewayHttp.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** With the router down the gateway answers 503 in the OpenAI envelope; once it is back, requests are served again. */
@Order(5)
@ExtendWith(GatewayPlatform.class)
class GatewayFaultsTest {

    @Test
    void aMissingRouterIs503AndItsReturnIsServed() throws Exception {
        GatewayPlatform.Running p = GatewayPlatform.running();
        String acme = p.token("acme", "consumer");
        String model = get(p.gateway() + "/v1/models", acme).body().at("/data/0/id").asText();
        p.platform().router().stop();
        try {
            GatewayHttp.Reply down = post(p.gateway() + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": \"x\", \"max_tokens\": 2}");
            GatewayApiTest.assertError(down, 503, "service_unavailable");
            GatewayApiTest.assertError(get(p.gateway() + "/v1/models", acme), 503, "service_unavailable");
        } finally {
            p.platform().router().start();
            p.platform().router().awaitReady(Duration.ofMinutes(2));
        }
        assertEquals(200, post(p.gateway() + "/v1/completions", acme, "{\"model\": \"" + model + "\", \"prompt\": \"x\", \"max_tokens\": 2}").status());
    }
}
