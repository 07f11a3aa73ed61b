package dev.flexserve.cli;

import dev.flexserve.model.engine.EngineException;
import dev.flexserve.model.packages.PackageException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one-line texts of the exceptions the model library and the JDK throw at the CLI. */
class ErrorReportingTest {
    @Test
    void libraryMessagesPassThrough() {
        assertEquals("models: no public expert package (id 'public')",
                ErrorReporting.describe(new PackageException("models: no public expert package (id 'public')")));
        assertEquals("temperature must be between 0 and 2, got 5",
                ErrorReporting.describe(new IllegalArgumentException("temperature must be between 0 and 2, got 5")));
    }

    @Test
    void fileErrorsNameTheFile() {
        assertEquals("no such file or directory: /x/y", ErrorReporting.describe(new NoSuchFileException("/x/y")));
        assertEquals("permission denied: /x", ErrorReporting.describe(new AccessDeniedException("/x")));
        assertEquals("models: cannot list packages: permission denied: models",
                ErrorReporting.describe(new UncheckedIOException("models: cannot list packages", new AccessDeniedException("models"))));
        assertEquals("no such file or directory: t.json",
                ErrorReporting.describe(new UncheckedIOException(new NoSuchFileException("t.json"))));
        assertEquals("disk full", ErrorReporting.describe(new IOException("disk full")));
    }

    @Test
    void multiLineMessagesBecomeOneLine() {
        assertEquals("cannot load ONNX graph g.onnx: first; second",
                ErrorReporting.describe(new EngineException("cannot load ONNX graph g.onnx: first\n  second\n")));
    }

    @Test
    void unexpectedExceptionsAreLabelled() {
        assertEquals("internal error: java.lang.NullPointerException: boom (run with --debug for the stack trace)",
                ErrorReporting.describe(new NullPointerException("boom")));
    }
}
