package dev.flexserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code flexserve} in this JVM, exactly as {@link FlexServeCli#main} configures it, with captured output. */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(String[] args, int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out, e);
            }
        }

        /** Asserts success with nothing on stderr. */
        Run ok() {
            assertEquals(0, exitCode, () -> "flexserve " + String.join(" ", args) + " failed: " + err);
            assertEquals("", err, "stderr of a successful run");
            return this;
        }

        /** Asserts failure with {@code code}, nothing on stdout, and exactly one stderr line naming the problem. */
        String fails(int code, String... mentions) {
            String context = "flexserve " + String.join(" ", args) + "\nstdout: " + out + "\nstderr: " + err;
            assertEquals(code, exitCode, context);
            assertEquals(1, errLines().size(), () -> "expected exactly one stderr line\n" + context);
            String line = errLines().get(0);
            assertTrue(line.startsWith("flexserve: "), context);
            for (String m : mentions) {
                assertTrue(line.contains(m), () -> "stderr should mention '" + m + "'\n" + context);
            }
            assertEquals("", out, context);
            return line;
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        CommandLine cl = FlexServeCli.configure(new CommandLine(new FlexServeCli()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(Arrays.copyOf(args, args.length), code, out.toString(), err.toString());
    }
}
