package dev.flexserve.bench;

import dev.flexserve.cli.up.Platform;
import dev.flexserve.process.ServiceProcess;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Tokens per second and p50/p99 inter-token latency for 1, 8 and 32 concurrent streams: (a) the in-process engine
 * with every expert in this JVM, (b) the platform — router-service plus one expert-service process per expert —
 * driven over HTTP/SSE. Prints a Markdown table with the ratio b/a.
 *
 * <p>Beside it, in the same run: the transport's floor, a plain gRPC ping-pong between two JVMs ({@link GrpcFloor})
 * with the payload of each level's mean expert call, against the router-observed call percentiles; and where the
 * services' time went on the cores (CPU and run-queue wait, {@link SchedulerStats}). Every measured level runs after
 * a warm-up of all levels, so that JIT compilation is not what is measured. {@code --profile} records the router's
 * CPU samples with JFR; {@code --async-profiler LIB} attaches async-profiler (wall clock or {@code itimer} CPU) to the
 * router and every expert-service for the measured runs only.
 *
 * <pre>java -jar bench/target/flexserve-bench.jar [--home .] [--models DIR | --shape demo|wide] [--tokens 64] [--prompt 32]
 *      [--micro-batches 2] [--warmup SECONDS (90)] [--profile] [--async-profiler libasyncProfiler.so [--profile-event wall|itimer]
 *      [--profile-dir DIR]] [--router-jvm "OPTIONS"] [--expert-jvm "OPTIONS"]</pre>
 */
public final class StreamBenchmark {
    private static final int[] STREAMS = {1, 8, 32};

    public static void main(String[] args) throws Exception {
        Path home = Path.of(arg(args, "--home", "."));
        int tokens = Integer.parseInt(arg(args, "--tokens", "64"));
        int promptLength = Integer.parseInt(arg(args, "--prompt", "32"));
        double warmupSeconds = Double.parseDouble(arg(args, "--warmup", "90"));
        boolean profile = List.of(args).contains("--profile");
        String shape = arg(args, "--shape", "demo");
        Path work = Files.createTempDirectory("flexserve-bench");
        Path models = List.of(args).contains("--models") ? Path.of(arg(args, "--models", "")) : work.resolve("models");
        if (!Files.exists(models)) {
            BenchModels.write(shape, models);
        }
        ModelSet set = ModelSet.load(models);

        List<LatencyStats> inProcess = new ArrayList<>();
        try (Engine engine = Engine.inProcess(set, 0, 1); Tokenizer tokenizer = set.trunk().openTokenizer()) {
            InProcessDriver driver = new InProcessDriver(new Generator(engine, tokenizer));
            // One JVM warms up faster than five sharing two cores.
            warmUp(Math.min(warmupSeconds, 20), n -> driver.run(prompts(n, promptLength, 100 + n), tokens));
            for (int n : STREAMS) {
                inProcess.add(driver.run(prompts(n, promptLength, n), tokens));
            }
        }

        List<String> routerJvm = new ArrayList<>(List.of(BenchModels.routerHeap(shape), "-XX:+UseSerialGC",
                "-Dflexserve.router.micro-batches=" + arg(args, "--micro-batches", "2")));
        routerJvm.addAll(words(arg(args, "--router-jvm", "")));
        List<String> plainExpertJvm = List.of(BenchModels.expertHeap(shape), "-XX:+UseSerialGC");
        List<String> expertJvm = new ArrayList<>(plainExpertJvm);
        expertJvm.addAll(words(arg(args, "--expert-jvm", "")));
        Path recording = work.resolve("router.jfr");
        AttachedProfiler profiler = List.of(args).contains("--async-profiler")
                ? new AttachedProfiler(Path.of(arg(args, "--async-profiler", "")), arg(args, "--profile-event", "wall"),
                Files.createDirectories(Path.of(arg(args, "--profile-dir", work.resolve("profiles").toString()))))
                : null;
        List<LatencyStats> distributed = new ArrayList<>();
        List<TimeBreakdown.Snapshot> calls = new ArrayList<>();
        List<SchedulerStats[]> cpu = new ArrayList<>();
        List<Path> profiles = List.of();
        int width = set.trunk().config().hiddenSize();
        try (Platform platform = Platform.start(new Platform.Settings(home, models, work.resolve("state"), Platform.Ports.any(),
                routerJvm, expertJvm, List.of()))) {
            PlatformDriver driver = new PlatformDriver(platform.router().url(), platform.internalSecret());
            List<String> experts = platform.experts().values().stream().map(ServiceProcess::url).toList();
            List<Long> routerPid = List.of(platform.router().pid());
            List<Long> expertPids = platform.experts().values().stream().map(ServiceProcess::pid).toList();
            List<Long> driverPid = List.of(ProcessHandle.current().pid());
            warmUp(warmupSeconds, n -> driver.run(prompts(n, promptLength, 100 + n), tokens));
            if (profile) {
                jcmd(platform.router().pid(), "JFR.start", "name=bench", "settings=profile");
            }
            if (profiler != null) {
                profiler.start("router", platform.router().pid());
                for (var e : platform.experts().entrySet()) {
                    profiler.start(e.getKey(), e.getValue().pid());
                }
            }
            for (int n : STREAMS) {
                TimeBreakdown.Snapshot before = TimeBreakdown.scrape(platform.router().url(), experts);
                SchedulerStats r0 = SchedulerStats.of(routerPid);
                SchedulerStats e0 = SchedulerStats.of(expertPids);
                SchedulerStats d0 = SchedulerStats.of(driverPid);
                double m0 = SchedulerStats.machineBusySeconds();
                distributed.add(driver.run(prompts(n, promptLength, n), tokens));
                cpu.add(new SchedulerStats[]{SchedulerStats.of(routerPid).minus(r0), SchedulerStats.of(expertPids).minus(e0),
                        SchedulerStats.of(driverPid).minus(d0), new SchedulerStats(SchedulerStats.machineBusySeconds() - m0, 0, 0)});
                calls.add(TimeBreakdown.scrape(platform.router().url(), experts).minus(before));
            }
            if (profiler != null) {
                profiles = profiler.stop();
            }
            if (profile) {
                jcmd(platform.router().pid(), "JFR.stop", "name=bench", "filename=" + recording);
            }
        }

        // The floor: a plain gRPC ping-pong between two JVMs (the second with the experts' heap and GC), with the
        // payload of each level's mean call (rows x width float32, plus the request's few header bytes).
        List<long[]> floor = new ArrayList<>();
        try (GrpcFloor pingPong = GrpcFloor.start(plainExpertJvm)) {
            for (TimeBreakdown.Snapshot c : calls) {
                int bytes = (int) Math.round(Math.max(1, c.rowsPerCall()) * width * Float.BYTES) + 16;
                floor.add(pingPong.pingPong(bytes, 2000, 3000));
            }
        }

        var c = set.trunk().config();
        System.out.printf(Locale.ROOT, "%n## Stream benchmark, %s, %d cores, %s models (d=%d, FFN %d, %d layers, %d experts, top-%d), "
                        + "%d prompt + %d generated tokens, router micro-batches %s, platform warm-up %.0f s%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), shape, c.hiddenSize(), c.intermediateSize(),
                c.numHiddenLayers(), set.experts().size(), c.numExpertsPerTok(), promptLength, tokens,
                arg(args, "--micro-batches", "2"), warmupSeconds);
        System.out.println("| streams | in-process tok/s | p50 ITL ms | p99 ITL ms | platform tok/s | p50 ITL ms | p99 ITL ms | b/a |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < STREAMS.length; i++) {
            LatencyStats a = inProcess.get(i);
            LatencyStats b = distributed.get(i);
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f |%n", STREAMS[i],
                    a.tokensPerSecond(), a.p50Millis(), a.p99Millis(), b.tokensPerSecond(), b.p50Millis(), b.p99Millis(),
                    b.tokensPerSecond() / a.tokensPerSecond());
        }
        System.out.println();
        System.out.println("Remote expert calls as the router sees them (histogram, interpolated), against a plain gRPC ping-pong "
                + "between two JVMs with the same payload (same run):");
        System.out.println();
        System.out.println("| streams | rows per call | router-observed p50 ms | p99 ms | ping-pong p50 ms | p99 ms | p50 ratio |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < STREAMS.length; i++) {
            TimeBreakdown.Snapshot s = calls.get(i);
            double floor50 = LatencyStats.percentile(floor.get(i), 0.50);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.3f | %.3f | %.3f | %.3f | %.2f |%n", STREAMS[i], s.rowsPerCall(),
                    s.callQuantileMillis(0.5), s.callQuantileMillis(0.99), floor50, LatencyStats.percentile(floor.get(i), 0.99),
                    s.callQuantileMillis(0.5) / floor50);
        }
        System.out.println();
        System.out.println("Where the platform runs' time went on the cores (Linux schedstat, seconds summed over threads; "
                + "'waiting' = ready to run, no core free):");
        System.out.println();
        System.out.println("| streams | wall | router CPU | router waiting | experts CPU | experts waiting | JIT compiler CPU (both) | load driver CPU | machine busy (all processes) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < STREAMS.length; i++) {
            SchedulerStats[] s = cpu.get(i);
            System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", STREAMS[i], distributed.get(i).seconds(),
                    s[0].cpuSeconds(), s[0].waitSeconds(), s[1].cpuSeconds(), s[1].waitSeconds(),
                    s[0].compilerSeconds() + s[1].compilerSeconds(), s[2].cpuSeconds(), s[3].cpuSeconds());
        }
        System.out.println();
        System.out.println(TimeBreakdown.describe(calls.get(calls.size() - 1), distributed.get(distributed.size() - 1).seconds()));
        if (profile) {
            System.out.println(RouterProfile.summarise(recording));
        }
        for (Path p : profiles) {
            System.out.println("async-profiler: " + p);
        }
    }

    /**
     * Runs every level at least once, then 32 streams until {@code seconds} have passed: the JIT compiles the hot
     * paths of the services (tens of thousands of calls) before anything is measured.
     */
    private static void warmUp(double seconds, java.util.function.IntConsumer level) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        for (int n : STREAMS) {
            level.accept(n);
        }
        while (System.nanoTime() < end) {
            level.accept(STREAMS[STREAMS.length - 1]);
        }
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }

    /** {@code n} distinct prompts of {@code length} byte tokens, reproducible from {@code seed}. */
    static List<int[]> prompts(int n, int length, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] p = new int[length];
            for (int j = 0; j < length; j++) {
                p[j] = 32 + rnd.nextInt(95);
            }
            out.add(p);
        }
        return out;
    }

    static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
