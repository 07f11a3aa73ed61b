package dev.flexserve.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * async-profiler attached to running service JVMs through {@code jcmd PID JVMTI.agent_load} after the warm-up, so
 * that a profile covers the measured runs only (not startup and JIT warm-up). One collapsed-stacks file per process,
 * thread names first, for wall-clock ({@code wall}) or CPU ({@code itimer}) sampling.
 */
final class AttachedProfiler {
    private final Path library;
    private final String event;
    private final Path dir;
    private final List<Long> pids = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    AttachedProfiler(Path library, String event, Path dir) {
        this.library = library.toAbsolutePath();
        this.event = event;
        this.dir = dir.toAbsolutePath();
    }

    void start(String name, long pid) throws IOException, InterruptedException {
        jcmd(pid, "start,event=" + event + ",interval=1ms,threads");
        pids.add(pid);
        names.add(name);
    }

    /** Stops every profiler started and writes {@code <dir>/<name>-<event>.collapsed}. */
    List<Path> stop() throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < pids.size(); i++) {
            Path file = dir.resolve(names.get(i) + "-" + event + ".collapsed");
            jcmd(pids.get(i), "stop,collapsed,file=" + file);
            files.add(file);
        }
        return files;
    }

    private void jcmd(long pid, String options) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        // jcmd splits an unquoted argument at commas: the agent's options travel as one quoted string.
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "JVMTI.agent_load", library.toString(), "\"" + options + "\"")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0 || !out.contains("return code: 0")) {
            throw new IOException("async-profiler '" + options + "' on " + pid + " failed: " + out.strip());
        }
    }
}
