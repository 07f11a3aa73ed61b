package dev.flexserve.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time and run-queue wait of a set of processes, summed over their threads, from Linux's
 * {@code /proc/PID/task/TID/schedstat} (time on a CPU, time runnable but waiting for one). The difference of two
 * snapshots says how much of a run the services spent computing and how much they spent ready but not running: on
 * a machine with fewer cores than busy threads, the second is the latency no code change can remove. Zero where
 * the file does not exist (other systems); threads that ended between the snapshots are not counted.
 * {@code compilerSeconds} is the CPU of the JIT compiler threads: near zero once the JVMs are warm.
 */
record SchedulerStats(double cpuSeconds, double waitSeconds, double compilerSeconds) {

    static SchedulerStats of(Iterable<Long> pids) {
        double cpu = 0;
        double wait = 0;
        double compiler = 0;
        for (long pid : pids) {
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            if (!Files.isDirectory(tasks)) {
                continue;
            }
            try (Stream<Path> threads = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) threads::iterator) {
                    try {
                        String[] f = Files.readString(t.resolve("schedstat")).trim().split("\\s+");
                        cpu += Long.parseLong(f[0]) / 1e9;
                        wait += Long.parseLong(f[1]) / 1e9;
                        if (Files.readString(t.resolve("comm")).contains("Compiler")) {
                            compiler += Long.parseLong(f[0]) / 1e9;
                        }
                    } catch (IOException | RuntimeException threadEnded) {
                        // The thread ended while we read the list.
                    }
                }
            } catch (IOException processEnded) {
                // Nothing to count.
            }
        }
        return new SchedulerStats(cpu, wait, compiler);
    }

    /** CPU seconds every process of the machine has used since boot ({@code /proc/stat}, USER_HZ = 100); 0 elsewhere. */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    SchedulerStats minus(SchedulerStats o) {
        return new SchedulerStats(cpuSeconds - o.cpuSeconds, waitSeconds - o.waitSeconds, compilerSeconds - o.compilerSeconds);
    }
}
