package dev.flexserve.cli.up;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A server process this program started and owns: stopped with the signal the server takes as "shut down cleanly",
 * killed (SIGKILL) if it has not ended within the grace period, or killed outright as a crash would.
 */
final class ChildProcess {
    private final Process process;

    private ChildProcess(Process process) {
        this.process = process;
    }

    static ChildProcess start(ProcessBuilder command) throws IOException {
        return new ChildProcess(command.start());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Sends {@code signal} (such as {@code TERM} or {@code INT}), waits up to {@code grace}, then kills. */
    void stop(String signal, Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException noKillCommand) {
            process.destroy();
        }
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
}
