package dev.flexserve.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every failure is one line {@code flexserve: <message>} on stderr, exit 2 for usage errors and 1 otherwise
 * ({@link Cli.Run#fails} checks the line count, the prefix, an empty stdout and what the message names).
 */
class ErrorsTest {
    @TempDir
    static Path tmp;
    static Path models;

    @BeforeAll
    static void writeDemo() {
        models = tmp.resolve("demo");
        Cli.run("model", "demo", models.toString()).ok();
    }

    @Test
    void missingModelsDirectory() {
        Path missing = tmp.resolve("no-such-models");
        Cli.run("generate", "--models", missing.toString(), "hello").fails(1, missing.toString(), "no such models directory");
        Cli.run("model", "info", missing.toString()).fails(1, missing.toString());
        Cli.run("model", "logits", missing.toString(), "--tokens", "1").fails(1, missing.toString());
    }

    @Test
    void unknownExpertIds() {
        Cli.run("generate", "--models", models.toString(), "--allow", "public,expert-9", "hello")
                .fails(1, "unknown expert id 'expert-9'", "public, expert-1");
        Cli.run("model", "logits", models.toString(), "--tokens", "1", "--exclude", "nope,expert-7", "--json")
                .fails(1, "unknown expert ids 'nope', 'expert-7'");
    }

    @Test
    void conflictingAllowAndExcludeIsAUsageError() {
        Cli.run("generate", "--models", models.toString(), "--allow", "public,expert-2", "--exclude", "expert-2", "hello")
                .fails(2, "--allow and --exclude both name 'expert-2'");
    }

    @Test
    void excludingEveryExpert() {
        Cli.run("generate", "--models", models.toString(), "--exclude", "public,expert-1,expert-2,expert-3,expert-4", "hi")
                .fails(1, "no expert is left");
    }

    @Test
    void tokensOutsideTheVocabulary() {
        Cli.run("model", "logits", models.toString(), "--tokens", "1,999,2", "--json").fails(1, "999", "vocabulary", "0..256");
        Cli.run("model", "logits", models.toString(), "--tokens", "-1", "--json").fails(1, "-1", "vocabulary");
    }

    @Test
    void malformedTokensAreAUsageError() {
        Cli.run("model", "logits", models.toString(), "--tokens", "1,x", "--json").fails(2, "--tokens", "'x'");
        Cli.run("model", "logits", models.toString(), "--json").fails(2, "--tokens");
    }

    @Test
    void invalidSamplingParameters() {
        Cli.run("generate", "--models", models.toString(), "--temperature", "5", "hello").fails(2, "temperature", "5");
        Cli.run("generate", "--models", models.toString(), "--top-p", "0", "hello").fails(2, "top_p");
        Cli.run("generate", "--models", models.toString(), "--max-tokens", "0", "hello").fails(2, "max_tokens");
        Cli.run("generate", "--models", models.toString(), "--top-k", "-3", "hello").fails(2, "top_k");
        Cli.run("generate", "--models", models.toString(), "--stop", "a", "--stop", "b", "--stop", "c", "--stop", "d",
                "--stop", "e", "hello").fails(2, "stop");
        Cli.run("generate", "--models", models.toString(), "--temperature", "hot", "hello").fails(2, "--temperature", "hot");
    }

    @Test
    void invalidEngineOptions() {
        Cli.run("model", "logits", models.toString(), "--tokens", "1", "--experts-per-token", "0").fails(2, "--experts-per-token");
        Cli.run("generate", "--models", models.toString(), "--threads", "0", "hi").fails(2, "--threads");
        Cli.run("model", "logits", models.toString(), "--tokens", "1", "--generate", "-1").fails(2, "--generate");
    }

    @Test
    void demoRefusesAnExistingDirectory() throws IOException {
        Cli.run("model", "demo", models.toString()).fails(1, models.toString(), "already exists");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Cli.run("model", "demo", empty.toString()).fails(1, "already exists");
    }

    @Test
    void importOfADirectoryWithoutConfig() throws IOException {
        Path checkpoint = Files.createDirectory(tmp.resolve("not-a-checkpoint"));
        Files.writeString(checkpoint.resolve("README.md"), "no model here\n");
        Path out = tmp.resolve("imported");
        Cli.run("model", "import-hf", checkpoint.toString(), out.toString()).fails(1, "config.json");
        assertFalse(Files.exists(out), "a failed import leaves nothing behind");
        Cli.run("model", "import-hf", tmp.resolve("nowhere").toString(), out.toString()).fails(1, "nowhere");
        Cli.run("model", "import-hf", checkpoint.toString(), out.toString(), "--external-data-mb", "0")
                .fails(2, "--external-data-mb");
    }

    @Test
    void tamperedPackageFailsItsHashCheck() throws IOException {
        Path copy = tmp.resolve("tampered");
        Cli.run("model", "demo", copy.toString()).ok();
        Path graph = copy.resolve("expert-2/layers/ffn_1.onnx");
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(graph, bytes);

        String line = Cli.run("model", "info", copy.toString()).fails(1, "SHA-256", "layers/ffn_1.onnx", "expert-2");
        assertTrue(line.length() < 400, line);
        Cli.run("generate", "--models", copy.toString(), "hello").fails(1, "SHA-256");
        Cli.run("model", "logits", copy.toString(), "--tokens", "1", "--json").fails(1, "SHA-256");
    }

    @Test
    void usageErrors() {
        Cli.run("generate", "--models", models.toString()).fails(2, "PROMPT");
        // Without --models the committed trained models are used; the test JVM runs outside the repository root.
        Cli.run("generate", "hello").fails(1, "models/flexolmo-rt", "--models");
        Cli.run("generate", "--models", models.toString(), "--url", "http://127.0.0.1:1", "hello").fails(2, "not both");
        Cli.run("generate", "--models", models.toString(), "").fails(2, "prompt is empty");
        Cli.run("model", "info", models.toString(), "--bogus").fails(2, "--bogus");
        Cli.run("genrate").fails(2, "genrate", "generate");
        Cli.run().fails(2, "command is required");
        Cli.run("model").fails(2, "subcommand is required");
    }

    @Test
    void debugAddsTheStackTrace() {
        Cli.Run run = Cli.run("--debug", "model", "info", tmp.resolve("missing").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errLines().get(0).startsWith("flexserve: "), run.err());
        assertTrue(run.errLines().size() > 1 && run.err().contains("PackageException"), run.err());
        Cli.Run inherited = Cli.run("model", "info", "--debug", tmp.resolve("missing").toString());
        assertTrue(inherited.errLines().size() > 1, "--debug is accepted after the subcommand too: " + inherited.err());
    }
}
