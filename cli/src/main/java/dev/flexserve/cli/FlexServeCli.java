package dev.flexserve.cli;

import dev.flexserve.cli.generate.GenerateCommand;
import dev.flexserve.cli.identity.TokenCommand;
import dev.flexserve.cli.identity.UsersCommand;
import dev.flexserve.cli.model.ModelCommand;
import dev.flexserve.cli.up.UpCommand;
import dev.flexserve.cli.usage.UsageCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code flexserve} command. Every subcommand is one small class; the tree is declared here.
 *
 * <p>Errors never reach the user as stack traces: {@link ErrorReporting} turns them into one line
 * {@code flexserve: <message>} on stderr, exit code 2 for usage errors and 1 for everything else
 * ({@code --debug} adds the stack trace).
 */
@Command(name = "flexserve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Serve and inspect FlexOlmo mixture-of-experts models: a public trunk plus owner-contributed experts.",
        subcommands = {
                ModelCommand.class,
                GenerateCommand.class,
                UpCommand.class,
                TokenCommand.class,
                UsersCommand.class,
                UsageCommand.class,
                dev.flexserve.ownerkit.OwnerCommand.class,
        })
public final class FlexServeCli implements Callable<Integer> {

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error (the message alone is printed otherwise).")
    boolean debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** A command line for this tree with FlexServe's error reporting installed; {@link #main} uses it, and so do tests. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new FlexServeCli()));
    }

    /** Installs the one-line error reporting on {@code cl} (a command line for a {@link FlexServeCli}). */
    public static CommandLine configure(CommandLine cl) {
        ErrorReporting reporting = new ErrorReporting();
        cl.setParameterExceptionHandler(reporting);
        cl.setExecutionExceptionHandler(reporting);
        return cl;
    }

    public static void main(String[] args) {
        // stderr carries the one-line errors; libraries' java.util.logging chatter only with --debug.
        if (!Arrays.asList(args).contains(ErrorReporting.DEBUG)) {
            Logger.getLogger("").setLevel(Level.WARNING);
        }
        CommandLine cl = commandLine();
        // Model output and JSON are UTF-8 whatever the platform's default charset is.
        cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            cl.getErr().println(ErrorReporting.PREFIX + "out of memory; give the JVM more with FLEXSERVE_JAVA_OPTS (for example -Xmx8g)");
            code = CommandLine.ExitCode.SOFTWARE;
        }
        cl.getOut().flush();
        System.exit(code);
    }
}
