package dev.flexserve.ownerkit;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@code owner ...} in process and captures its stdout and stderr lines (the command's own streams). */
public final class Owner {
    public record Result(int exit, String out, String err, String progress) {
    }

    private Owner() {
    }

    public static Result run(String... args) {
        CommandLine cl = OwnerMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // Progress lines go to System.err (as in the CLI); capture them with the command's own error stream.
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(new TeeStream(progress, saved), true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = cl.execute(args);
        } finally {
            System.err.flush();
            System.setErr(saved);
        }
        String progressText = progress.toString(java.nio.charset.StandardCharsets.UTF_8);
        // The one-line error is written to the command line's error stream, which may be System.err itself.
        String errors = err + progressText.lines().filter(l -> l.startsWith("owner: "))
                .map(l -> l + "\n").reduce("", String::concat);
        return new Result(code, out.toString(), errors, progressText);
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    public static Path fixture(String name) {
        Path p = Path.of("src/test/resources/fixtures", name);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing fixture " + p.toAbsolutePath());
        }
        return p;
    }

    /** The repository's committed models (tests run in owner-kit/). */
    public static Path committedModels(String set) {
        return Path.of("..", "models", set);
    }
}
