package dev.flexserve.platform;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * When a console test fails, every browser it opened dumps its page source, console log and screenshot into
 * {@code target/console-failures/}; then (failed or not) the browsers are closed.
 */
final class BrowserDumps implements AfterTestExecutionCallback {
    static final Path DIR = Path.of("target", "console-failures");
    private static final List<Browser> OPEN = new ArrayList<>();

    static synchronized Browser open(String name) {
        Browser b = new Browser(name);
        OPEN.add(b);
        return b;
    }

    @Override
    public synchronized void afterTestExecution(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        for (Browser b : OPEN) {
            if (failed) {
                b.dump(DIR, context.getRequiredTestMethod().getName());
                System.err.println("browser " + b.name + " dumped into " + DIR.toAbsolutePath());
            }
            b.close();
        }
        OPEN.clear();
    }
}
