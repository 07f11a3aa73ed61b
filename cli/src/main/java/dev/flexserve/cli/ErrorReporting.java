package dev.flexserve.cli;

import dev.flexserve.model.engine.EngineException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;

/**
 * Reports every failure as exactly one line {@code flexserve: <message>} on the command's stderr: usage errors
 * (exit 2) with a pointer to the command's help, everything else (exit 1) with the message the model library
 * wrote for users. Exceptions the library does not throw on purpose are labelled "internal error". With
 * {@code --debug} the stack trace follows the line.
 */
public final class ErrorReporting implements IParameterExceptionHandler, IExecutionExceptionHandler {
    public static final String PREFIX = "flexserve: ";
    static final String DEBUG = "--debug";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String message = oneLine(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        PrintWriter err = cl.getErr();
        err.println(PREFIX + message + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        if (Arrays.asList(args).contains(DEBUG)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        err.println(PREFIX + describe(ex));
        if (debugRequested(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnExecutionException();
    }

    /** The user-facing text of an exception, on one line. */
    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            String own = u.getMessage();
            String cause = describe(u.getCause());
            return own == null || own.equals(u.getCause().toString()) ? cause : oneLine(own) + ": " + cause;
        }
        if (ex instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (ex instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (ex instanceof FileAlreadyExistsException f) {
            return f.getFile() + " already exists";
        }
        if (ex instanceof NotDirectoryException f) {
            return "not a directory: " + f.getFile();
        }
        if (ex instanceof IOException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException || ex instanceof EngineException) {
            return oneLine(ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage());
        }
        return oneLine("internal error: " + ex + " (run with --debug for the stack trace)");
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static boolean debugRequested(ParseResult parseResult) {
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption(DEBUG)) {
                return true;
            }
        }
        return false;
    }
}
