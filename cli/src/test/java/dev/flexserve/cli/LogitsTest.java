package dev.flexserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.packages.ModelSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** {@code model logits}: what it prints against the engine run independently, and expert selection. */
class LogitsTest {
    private static final int[] PROMPT = {72, 101, 108, 108, 111};
    private static final String PROMPT_ARG = "72,101,108,108,111";

    @TempDir
    static Path tmp;
    static Path models;

    @BeforeAll
    static void writeDemo() {
        models = tmp.resolve("demo");
        Cli.run("model", "demo", models.toString()).ok();
    }

    private static JsonNode logits(String... extra) {
        String[] args = {"model", "logits", models.toString(), "--tokens", PROMPT_ARG, "--json"};
        String[] all = Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        Cli.Run run = Cli.run(all).ok();
        assertEquals(1, run.out().lines().count(), "one JSON object on one line");
        return run.json();
    }

    /** The KV-cache path of the CLI (prefill, then one token per step) against recomputing the whole sequence. */
    @Test
    void greedyTokensWithKvCacheEqualRecomputationFromScratch() {
        JsonNode r = logits("--generate", "3");
        int[] greedy = JsonList.ints(r.get("greedy_new_tokens"));
        int[] argmaxPerPosition = JsonList.ints(r.get("argmax_per_position"));
        float[] last = JsonList.floats(r.get("last_logits"));

        try (Engine engine = Engine.inProcess(ModelSet.load(models), 0, 1)) {
            int vocab = engine.config().vocabSize();
            assertEquals(vocab, last.length);
            int[] sequence = PROMPT.clone();
            int[] expected = new int[3];
            float[] prefill = null;
            for (int step = 0; step < expected.length; step++) {
                Sequence fresh = engine.newSequence(null, sequence.length);
                float[] all = engine.forward(List.of(fresh), List.of(sequence.clone()), true)[0];
                if (step == 0) {
                    prefill = all;
                }
                expected[step] = argmax(all, (sequence.length - 1) * vocab, vocab);
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = expected[step];
            }
            assertArrayEquals(expected, greedy, "greedy_new_tokens");

            int[] expectedArgmax = new int[PROMPT.length];
            for (int p = 0; p < PROMPT.length; p++) {
                expectedArgmax[p] = argmax(prefill, p * vocab, vocab);
            }
            assertArrayEquals(expectedArgmax, argmaxPerPosition, "argmax_per_position");
            assertArrayEquals(Arrays.copyOfRange(prefill, (PROMPT.length - 1) * vocab, PROMPT.length * vocab), last, 1e-6f,
                    "last_logits");
        }
        assertEquals(List.of("public", "expert-1", "expert-2", "expert-3", "expert-4"), JsonList.strings(r.get("allowed")));
        assertEquals(2, r.get("experts_per_token").asInt(), "the demo config's top-2");
    }

    /** The Generator (generate) and the logits command's own greedy loop agree. */
    @Test
    void greedyGenerateAgreesWithLogits() {
        int[] viaLogits = JsonList.ints(logits("--generate", "4").get("greedy_new_tokens"));
        JsonNode generated = Cli.run("generate", "--models", models.toString(), "--max-tokens", "4", "--json", "Hello")
                .ok().json();
        assertArrayEquals(viaLogits, JsonList.ints(generated.get("tokens")));
    }

    @Test
    void allowingExpertsChangesLogitsAndEqualsExcludingTheComplement() {
        JsonNode everyExpert = logits("--generate", "2");
        JsonNode allowed = logits("--generate", "2", "--allow", "public,expert-2");
        JsonNode excluded = logits("--generate", "2", "--exclude", "expert-1,expert-3,expert-4");

        assertEquals(List.of("public", "expert-2"), JsonList.strings(allowed.get("allowed")));
        assertNotEquals(everyExpert.get("last_logits"), allowed.get("last_logits"));
        assertEquals(allowed, excluded, "--allow public,expert-2 and --exclude of the complement are the same request");
        // Allowing every expert explicitly is the default.
        assertEquals(everyExpert, logits("--generate", "2", "--allow", "expert-4,expert-3,expert-2,expert-1,public"));
    }

    @Test
    void expertsPerTokenOverridesTheConfig() {
        JsonNode top1 = logits("--experts-per-token", "1");
        assertEquals(1, top1.get("experts_per_token").asInt());
        assertNotEquals(logits().get("last_logits"), top1.get("last_logits"));
    }

    @Test
    void withoutJsonPrintsASummary() {
        Cli.Run run = Cli.run("model", "logits", models.toString(), "--tokens", PROMPT_ARG, "--generate", "2").ok();
        JsonNode r = logits("--generate", "2");
        int[] greedy = JsonList.ints(r.get("greedy_new_tokens"));
        assertEquals(true, run.out().contains("greedy new tokens:   " + greedy[0] + " " + greedy[1]), run.out());
    }

    private static int argmax(float[] v, int from, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
