package dev.flexserve.router.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.flexserve.router.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The internal generation API against the in-process engine on the same packages. Only the public expert runs
 * here (it is part of the router); remote experts are covered by the platform tests, which start real
 * expert-service processes.
 */
@QuarkusTest
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
class GenerateApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Engine engine;
    static Tokenizer tokenizer;

    @BeforeAll
    static void inProcess() {
        ModelSet models = ModelSet.load(DemoModelsResource.models());
        engine = Engine.inProcess(models, 0, 1);
        tokenizer = models.trunk().openTokenizer();
    }

    @AfterAll
    static void close() {
        engine.close();
        tokenizer.close();
    }

    @Test
    void greedyGenerationEqualsTheInProcessEngine() {
        JsonNode r = post("/internal/v1/generate", """
                {"prompt": "The committee met on", "max_tokens": 12, "temperature": 0, "experts": {"include": ["public"]}}""", 200);
        GenerationResult expected = new Generator(engine, tokenizer).generate(new GenerationRequest(
                tokenizer.encode("The committee met on"), SamplingParams.greedy(12), Set.of("public")));
        assertArrayEquals(expected.tokens(), ints(r.get("tokens")));
        assertEquals(expected.text(), r.get("text").asText());
        assertEquals("length", r.get("finish_reason").asText());
        assertEquals(expected.promptTokens(), r.at("/usage/prompt_tokens").asInt());
        assertEquals(12, r.at("/usage/completion_tokens").asInt());
        assertEquals("public", r.at("/attribution/0/expert").asText());
        assertEquals(1.0, r.at("/attribution/0/weight").asDouble(), 1e-9);
    }

    @Test
    void logitsEqualTheInProcessEngine() {
        JsonNode r = post("/internal/v1/generate/logits", """
                {"prompt_tokens": [84, 104, 101, 32, 99], "experts": {"include": ["public"]}}""", 200);
        Sequence seq = engine.newSequence(Set.of("public"), 5);
        float[] expected = engine.forward(List.of(seq), List.of(new int[]{84, 104, 101, 32, 99}), false)[0];
        JsonNode actual = r.get("last_logits");
        assertEquals(expected.length, actual.size());
        double maxDiff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual.get(i).floatValue() - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertThat(maxDiff / scale).isLessThan(1e-5);
    }

    @Test
    void streamsOneEventPerTokenThenTheResultThenDone() throws Exception {
        String body = given().contentType(ContentType.JSON)
                .body("""
                        {"prompt": "Hello", "max_tokens": 6, "temperature": 0, "experts": {"include": ["public"]}}""")
                .post("/internal/v1/generate/stream")
                .then().statusCode(200).contentType(containsString("text/event-stream"))
                .extract().asString();
        List<String> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                events.add(line.substring(5).trim());
            }
        }
        assertEquals("[DONE]", events.get(events.size() - 1));
        JsonNode result = JSON.readTree(events.get(events.size() - 2));
        assertEquals(6, result.at("/usage/completion_tokens").asInt());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            JsonNode e = JSON.readTree(events.get(i));
            assertEquals(result.at("/tokens/" + i).asInt(), e.get("token").asInt());
            text.append(e.get("text").asText());
        }
        assertEquals(result.get("text").asText(), text.toString(), "the streamed text adds up to the final text");
        assertEquals(8, events.size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "malformed JSON        | {\"prompt\": \"x\",                                     | 400 | malformed JSON",
            "two prompts           | {\"prompt\": \"x\", \"prompt_tokens\": [1]}             | 400 | exactly one of",
            "no prompt             | {\"max_tokens\": 3}                                     | 400 | exactly one of",
            "temperature too high  | {\"prompt\": \"x\", \"temperature\": 5}                 | 400 | temperature must be between 0 and 2",
            "token outside vocab   | {\"prompt_tokens\": [5000]}                             | 400 | outside the vocabulary",
            "unknown expert        | {\"prompt\": \"x\", \"experts\": {\"include\": [\"nobody\"]}} | 404 | unknown expert 'nobody'",
            "unknown field         | {\"prompt\": \"x\", \"temprature\": 0.5}                | 400 | temprature",
            "max_tokens zero       | {\"prompt\": \"x\", \"max_tokens\": 0}                  | 400 | max_tokens must be at least 1",
            "all experts excluded  | {\"prompt\": \"x\", \"experts\": {\"exclude\": [\"public\"]}} | 400 | no expert is left",
            "empty prompt tokens   | {\"prompt_tokens\": []}                               | 400 | the prompt is empty",
    })
    void badRequestsGetTheOpenAiErrorEnvelope(String name, String body, int status, String message) {
        given().contentType(ContentType.JSON).body(body).post("/internal/v1/generate")
                .then().statusCode(status)
                .body("error.message", containsString(message))
                .body("error.type", equalTo(status == 404 ? "not_found_error" : "invalid_request_error"));
    }

    @Test
    void promptLongerThanTheContextIsRefused() {
        StringBuilder ids = new StringBuilder("[1");
        for (int i = 1; i < engine.config().maxPositionEmbeddings(); i++) {
            ids.append(",1");
        }
        given().contentType(ContentType.JSON).body("{\"prompt_tokens\": " + ids + "]}").post("/internal/v1/generate")
                .then().statusCode(400).body("error.message", containsString("the context holds"));
    }

    @Test
    void metricsUseTheFlexservePrefix() {
        post("/internal/v1/generate", "{\"prompt\": \"hi\", \"max_tokens\": 3}", 200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("flexserve_time_to_first_token_seconds_count")
                .contains("flexserve_inter_token_latency_seconds_count")
                .contains("flexserve_requests_running");
    }

    static JsonNode post(String path, String body, int status) {
        String response = given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(status).extract().asString();
        try {
            return JSON.readTree(response);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response, e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
