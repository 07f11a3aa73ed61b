package dev.flexserve.ownerkit;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * A command line for {@code owner ...} without the rest of the {@code flexserve} CLI (which registers
 * {@link OwnerCommand} as a subcommand): errors are one line {@code owner: <message>} on its error stream, exit code
 * 1 ({@code 2} for usage errors). The module's tests drive the commands through it.
 */
public final class OwnerMain {
    private OwnerMain() {
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new OwnerCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // The top command line's stream: the one a caller set with setErr.
            PrintWriter err = cl.getErr();
            err.println("owner: " + message(ex));
            if (System.getenv("OWNER_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    static String message(Throwable ex) {
        if (ex instanceof OwnerKitException || ex instanceof IllegalArgumentException) {
            return ex.getMessage();
        }
        String m = ex.getMessage();
        return (ex.getClass().getSimpleName() + (m == null ? "" : ": " + m)).lines().findFirst().orElse("");
    }
}
