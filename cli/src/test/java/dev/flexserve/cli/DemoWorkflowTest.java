package dev.flexserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first-use path: write the demo models, inspect them, generate from them. */
class DemoWorkflowTest {
    @TempDir
    static Path tmp;
    static Path models;
    static String trunkHash;

    @BeforeAll
    static void writeDemo() {
        models = tmp.resolve("demo");
        Cli.Run demo = Cli.run("model", "demo", models.toString()).ok();
        List<String> lines = demo.out().lines().toList();
        assertEquals(7, lines.size(), demo.out());
        assertTrue(lines.get(0).startsWith("wrote trunk package") && lines.get(0).endsWith("trunk"), lines.get(0));
        assertTrue(lines.get(1).contains("id public"), lines.get(1));
        assertTrue(lines.get(6).matches("trunk hash: [0-9a-f]{64}"), lines.get(6));
        trunkHash = lines.get(6).substring("trunk hash: ".length());
    }

    @Test
    void infoDescribesTheVerifiedSet() {
        Cli.Run info = Cli.run("model", "info", models.toString()).ok();
        assertTrue(info.out().lines().anyMatch(l -> l.matches("trunk:\\s+" + trunkHash)), info.out());
        assertTrue(info.out().contains("tokenizer: bytes"), info.out());
        List<String> expertLines = info.out().lines().filter(l -> l.startsWith("  ")).toList();
        assertEquals(5, expertLines.size(), info.out());
        assertTrue(expertLines.get(0).matches("\\s+public\\s+owner public\\s+version [0-9a-f]{12}\\s+bias no"), expertLines.get(0));
        for (int e = 1; e <= 4; e++) {
            String line = expertLines.get(e);
            assertTrue(line.matches("\\s+expert-" + e + "\\s+owner demo-org-" + e + "\\s+version [0-9a-f]{12}\\s+bias yes"), line);
        }
    }

    @Test
    void generatePrintsTheCompletion() {
        Cli.Run run = Cli.run("generate", "--models", models.toString(), "--max-tokens", "8", "Hello, experts").ok();
        assertFalse(run.out().isEmpty());
        // Greedy decoding is deterministic: the same command prints the same text.
        assertEquals(run.out(), Cli.run("generate", "--models", models.toString(), "--max-tokens", "8", "Hello, experts").ok().out());
    }

    @Test
    void generateJsonHasUsageAndAttributionOfEveryExpert() {
        Cli.Run run = Cli.run("generate", "--models", models.toString(), "--max-tokens", "6", "--temperature", "0.8",
                "--seed", "7", "--json", "Hello").ok();
        assertEquals(1, run.out().lines().count(), "one JSON object on one line");
        JsonNode r = run.json();
        assertTrue(r.get("text").isTextual());
        int completion = r.get("tokens").size();
        assertTrue(completion >= 1 && completion <= 6, r.toString());
        assertEquals(5, r.at("/usage/prompt_tokens").asInt(), "'Hello' is five bytes");
        assertEquals(completion, r.at("/usage/completion_tokens").asInt());
        assertEquals(5 + completion, r.at("/usage/total_tokens").asInt());
        assertTrue(List.of("stop", "length").contains(r.get("finish_reason").asText()));

        JsonNode attribution = r.get("attribution");
        List<String> experts = new ArrayList<>();
        double sum = 0;
        for (JsonNode a : attribution) {
            experts.add(a.get("expert").asText());
            assertTrue(a.get("owner").isTextual());
            assertTrue(a.get("version").asText().matches("[0-9a-f]{64}"));
            assertTrue(a.get("tokens").asInt() >= 0 && a.get("tokens").asInt() <= completion);
            assertTrue(a.get("prompt_tokens").asInt() >= 0 && a.get("prompt_tokens").asInt() <= 5);
            double w = a.get("weight").asDouble();
            assertTrue(w >= 0 && w <= 1, a.toString());
            sum += w;
        }
        assertEquals(List.of("public", "expert-1", "expert-2", "expert-3", "expert-4"), experts);
        assertEquals(1.0, sum, 1e-9);
    }

    @Test
    void seededSamplingRepeats() {
        String[] args = {"generate", "--models", models.toString(), "--max-tokens", "10", "--temperature", "1.5",
                "--top-p", "0.9", "--top-k", "40", "--seed", "42", "--json", "abc"};
        assertEquals(Cli.run(args).ok().json().get("tokens"), Cli.run(args).ok().json().get("tokens"));
    }

    @Test
    void excludedExpertsAreNotAttributed() {
        JsonNode r = Cli.run("generate", "--models", models.toString(), "--max-tokens", "4", "--exclude", "expert-1,expert-3",
                "--json", "Hi").ok().json();
        List<String> experts = new ArrayList<>();
        r.get("attribution").forEach(a -> experts.add(a.get("expert").asText()));
        assertEquals(List.of("public", "expert-2", "expert-4"), experts);
        assertEquals(experts, JsonList.strings(r.get("allowed")));
    }

    @Test
    void helpAndVersion() {
        Cli.Run help = Cli.run("--help").ok();
        assertTrue(help.out().contains("model") && help.out().contains("generate"), help.out());
        Cli.Run version = Cli.run("--version").ok();
        assertTrue(version.out().startsWith("flexserve "), version.out());
        assertTrue(Files.isDirectory(models));
    }
}
