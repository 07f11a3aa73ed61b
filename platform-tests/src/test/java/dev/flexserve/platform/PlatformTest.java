package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.cli.up.Platform;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.flexserve.platform.RouterHttp.counter;
import static dev.flexserve.platform.RouterHttp.ints;
import static dev.flexserve.platform.RouterHttp.post;
import static dev.flexserve.platform.RouterHttp.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform as DESIGN.md §2 draws it — a router-service process and one expert-service process per expert,
 * talking gRPC — against the in-process engine on the same packages. One platform serves the whole class; the
 * tests that take experts away run last, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformTest {
    static final List<int[]> PROMPTS = List.of(
            new int[]{84, 104, 101, 32, 99, 111, 109, 109, 105, 116, 116, 101, 101},
            new int[]{42},
            new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23});
    static final List<Set<String>> EXPERT_SETS = Arrays.asList(
            null, Set.of("public", "expert-1"), Set.of("expert-2", "expert-3"), Set.of("public"),
            Set.of("public", "expert-1", "expert-3", "expert-4"));

    @TempDir
    static Path root;
    static Path models;
    static Platform platform;
    static Engine engine;
    static Tokenizer tokenizer;
    static String router;

    @BeforeAll
    static void start() throws Exception {
        models = root.resolve("models");
        DemoModels.write(models);
        Path home = Path.of(System.getProperty("flexserve.home", ".."));
        // A fresh registry each run; service logs stay in target/ for a look after a failure.
        Path state = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "platform-state-");
        platform = Platform.start(new Platform.Settings(home, models, state, Platform.Ports.any(),
                List.of("-Xmx512m", "-XX:+UseSerialGC"), List.of("-Xmx256m", "-XX:+UseSerialGC"), List.of()));
        router = platform.router().url();
        RouterHttp.useCredential(platform.internalSecret());
        ModelSet set = ModelSet.load(models);
        engine = Engine.inProcess(set, 0, 1);
        tokenizer = set.trunk().openTokenizer();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (platform != null) {
            platform.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    @Order(1)
    void distributedLogitsEqualInProcessLogits() {
        for (Set<String> experts : EXPERT_SETS) {
            for (int[] prompt : PROMPTS) {
                JsonNode r = ok(post(router + "/internal/v1/generate/logits", request(prompt, experts, 1)));
                float[] expected = lastLogits(engine, experts, prompt);
                double maxDiff = 0;
                double scale = 0;
                for (int i = 0; i < expected.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(r.get("last_logits").get(i).floatValue() - expected[i]));
                    scale = Math.max(scale, Math.abs(expected[i]));
                }
                assertThat(maxDiff / scale).as("experts %s, prompt of %d tokens", experts, prompt.length).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    @Test
    @Order(2)
    void distributedGreedyTokensEqualInProcessTokens() {
        for (Set<String> experts : EXPERT_SETS) {
            for (int[] prompt : PROMPTS) {
                JsonNode r = ok(post(router + "/internal/v1/generate", request(prompt, experts, 12)));
                GenerationResult expected = new Generator(engine, tokenizer).generate(
                        new GenerationRequest(prompt, SamplingParams.greedy(12), experts));
                assertArrayEquals(expected.tokens(), ints(r.get("tokens")), "experts " + experts);
                assertEquals(0, r.get("dropped_experts").size());
            }
        }
    }

    @Test
    @Order(3)
    void seededSamplingEqualsInProcessSampling() {
        int[] prompt = PROMPTS.get(0);
        JsonNode r = ok(post(router + "/internal/v1/generate", "{\"prompt_tokens\": " + Arrays.toString(prompt)
                + ", \"max_tokens\": 20, \"temperature\": 0.9, \"top_p\": 0.95, \"seed\": 17}"));
        GenerationResult expected = new Generator(engine, tokenizer).generate(
                new GenerationRequest(prompt, new SamplingParams(0.9, 0, 0.95, 17L, 20, List.of()), null));
        assertArrayEquals(expected.tokens(), ints(r.get("tokens")));
    }

    @Test
    @Order(4)
    void optOutThroughTheApiEqualsTheModelWithoutTheExpert() throws IOException {
        Path without = root.resolve("without-expert-2");
        copyExcept(models, without, "expert-2");
        ModelSet set = ModelSet.load(without);
        try (Engine smaller = Engine.inProcess(set, 0, 1)) {
            for (int[] prompt : PROMPTS) {
                JsonNode r = ok(post(router + "/internal/v1/generate", "{\"prompt_tokens\": " + Arrays.toString(prompt)
                        + ", \"max_tokens\": 12, \"temperature\": 0, \"experts\": {\"exclude\": [\"expert-2\"]}}"));
                GenerationResult expected = new Generator(smaller, tokenizer).generate(new GenerationRequest(prompt, SamplingParams.greedy(12), null));
                assertArrayEquals(expected.tokens(), ints(r.get("tokens")));
                assertThat(r.get("attribution").findValuesAsText("expert")).doesNotContain("expert-2");
            }
        }
    }

    @Test
    @Order(5)
    void ownersPolicyDecidesWhoMayUseTheExpertAndWhen() {
        String policy = router + "/admin/experts/expert-1/policy";
        assertEquals(200, put(policy, "{\"organizations\": [\"acme\"]}").status());
        RouterHttp.Reply forbidden = post(router + "/internal/v1/generate", request(PROMPTS.get(1), Set.of("expert-1"), 3), "globex");
        assertEquals(403, forbidden.status());
        assertThat(forbidden.body().at("/error/message").asText()).contains("expert-1").contains("globex");
        JsonNode withoutIt = ok(post(router + "/internal/v1/generate", request(PROMPTS.get(1), null, 3), "globex"));
        assertThat(withoutIt.get("attribution").findValuesAsText("expert")).doesNotContain("expert-1").contains("public");
        ok(post(router + "/internal/v1/generate", request(PROMPTS.get(1), Set.of("expert-1"), 3), "acme"));

        assertEquals(200, put(policy, "{\"organizations\": [\"*\"], \"windows\": [{\"from\": \"2020-01-01T00:00:00Z\", \"until\": \"2020-01-02T00:00:00Z\"}]}").status());
        assertEquals(403, post(router + "/internal/v1/generate", request(PROMPTS.get(1), Set.of("expert-1"), 3), "acme").status());

        assertEquals(200, put(policy, "{\"organizations\": [\"*\"]}").status());
        ok(post(router + "/internal/v1/generate", request(PROMPTS.get(1), Set.of("expert-1"), 3), "globex"));
    }

    @Test
    @Order(6)
    void killedExpertIsDroppedMidStreamAndServesAgainAfterRestart() throws Exception {
        CountDownLatch started = new CountDownLatch(4);
        List<RouterHttp.Stream> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(RouterHttp.stream(router + "/internal/v1/generate/stream",
                    request(PROMPTS.get(i % PROMPTS.size()), Set.of("public", "expert-1", "expert-3"), 60), started));
        }
        assertTrue(started.await(2, TimeUnit.MINUTES), "every stream produced tokens");
        platform.expert("expert-3").kill();
        for (RouterHttp.Stream s : streams) {
            JsonNode result = s.result.get(2, TimeUnit.MINUTES);
            assertCompleted(result, s);
            assertThat(result.get("dropped_experts").findValuesAsText("expert")).as(result.toString()).containsExactly("expert-3");
        }
        // Without the process, a request for expert-3 alone cannot be served; the response says why.
        JsonNode alone = ok(post(router + "/internal/v1/generate", request(PROMPTS.get(1), Set.of("expert-3"), 4)));
        assertEquals("error", alone.get("finish_reason").asText());

        platform.expert("expert-3").start();
        platform.expert("expert-3").awaitReady(Duration.ofMinutes(2));
        assertEquals("active", ok(post(router + "/admin/experts/expert-3/activate", null)).get("status").asText());
        JsonNode again = ok(post(router + "/internal/v1/generate", request(PROMPTS.get(1), Set.of("expert-3"), 4)));
        assertEquals(0, again.get("dropped_experts").size(), again.toString());
        assertEquals(again.get("tokens").size(), again.at("/attribution/0/tokens").asInt(), "expert-3 computed every token");
    }

    @Test
    @Order(7)
    void revokeDuringEightStreamsStopsEveryCallToTheExpert() throws Exception {
        CountDownLatch started = new CountDownLatch(8);
        List<RouterHttp.Stream> streams = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            streams.add(RouterHttp.stream(router + "/internal/v1/generate/stream",
                    request(PROMPTS.get(i % PROMPTS.size()), null, 80), started));
        }
        assertTrue(started.await(2, TimeUnit.MINUTES), "every stream produced tokens");
        String expert4 = platform.expert("expert-4").url();
        double callsBefore = counter(RouterHttp.text(expert4 + "/q/metrics"), "flexserve_expert_requests_total", "expert=\"expert-4\"");
        JsonNode revoked = ok(post(router + "/admin/experts/expert-4/revoke", null));
        assertEquals("revoked", revoked.get("status").asText());
        double callsAtRevoke = counter(RouterHttp.text(expert4 + "/q/metrics"), "flexserve_expert_requests_total", "expert=\"expert-4\"");
        assertThat(callsBefore).as("expert-4 was in use before the revocation").isGreaterThan(0);
        for (RouterHttp.Stream s : streams) {
            JsonNode result = s.result.get(3, TimeUnit.MINUTES);
            assertCompleted(result, s);
            assertEquals(0, result.get("dropped_experts").size(), result.toString());
        }
        double callsAfter = counter(RouterHttp.text(expert4 + "/q/metrics"), "flexserve_expert_requests_total", "expert=\"expert-4\"");
        assertEquals(callsAtRevoke, callsAfter, "no call reached expert-4 after the revoke call returned");
        RouterHttp.Reply forbidden = post(router + "/internal/v1/generate", request(PROMPTS.get(1), Set.of("expert-4"), 4));
        assertEquals(403, forbidden.status());
        assertThat(forbidden.body().at("/error/message").asText()).contains("expert-4");
    }

    /**
     * A stream ended normally: by max tokens or the end-of-text token (the random demo weights emit it now and then),
     * with every generated token streamed.
     */
    static void assertCompleted(JsonNode result, RouterHttp.Stream stream) {
        assertThat(result.get("finish_reason").asText()).as(result.toString()).isIn("length", "stop");
        assertEquals(result.get("tokens").size(), result.at("/usage/completion_tokens").asInt());
        assertEquals(result.get("tokens").size(), stream.tokens.size(), "every token was streamed");
    }

    /** A greedy request for {@code prompt} with the given experts (null: all). */
    static String request(int[] prompt, Set<String> experts, int maxTokens) {
        String include = experts == null ? "" : ", \"experts\": {\"include\": "
                + RouterHttp.JSON.valueToTree(new ArrayList<>(new LinkedHashSet<>(experts))) + "}";
        return "{\"prompt_tokens\": " + Arrays.toString(prompt) + ", \"max_tokens\": " + maxTokens
                + ", \"temperature\": 0" + include + "}";
    }

    static JsonNode ok(RouterHttp.Reply r) {
        assertEquals(200, r.status(), () -> String.valueOf(r.body()));
        return r.body();
    }

    static float[] lastLogits(Engine engine, Set<String> experts, int[] prompt) {
        Sequence seq = engine.newSequence(experts, prompt.length);
        return engine.forward(List.of(seq), List.of(prompt), false)[0];
    }

    static void copyExcept(Path from, Path to, String skip) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path rel = from.relativize(p);
                if (rel.getNameCount() > 0 && rel.getName(0).toString().equals(skip)) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
