package dev.flexserve.bench;

import dev.flexserve.cli.up.Platform;
import dev.flexserve.process.ServiceProcess;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Tokens per second and p50/p99 inter-token latency for 1, 8 and 32 concurrent streams: (a) the in-process engine
 * with every expert in this JVM, (b) the platform — router-service plus one expert-service process per expert —
 * driven over HTTP/SSE. Prints a Markdown table with the ratio b/a, and where the router's CPU time went (from a
 * JFR recording) when {@code --profile} is given.
 *
 * <pre>java -jar bench/target/flexserve-bench.jar [--home .] [--models DIR] [--tokens 64] [--prompt 32] [--micro-batches 2] [--profile]</pre>
 */
public final class StreamBenchmark {
    private static final int[] STREAMS = {1, 8, 32};

    public static void main(String[] args) throws Exception {
        Path home = Path.of(arg(args, "--home", "."));
        int tokens = Integer.parseInt(arg(args, "--tokens", "64"));
        int promptLength = Integer.parseInt(arg(args, "--prompt", "32"));
        boolean profile = List.of(args).contains("--profile");
        Path work = Files.createTempDirectory("flexserve-bench");
        Path models = args.length > 0 && List.of(args).contains("--models") ? Path.of(arg(args, "--models", "")) : work.resolve("models");
        if (!Files.exists(models)) {
            DemoModels.write(models);
        }
        ModelSet set = ModelSet.load(models);

        List<LatencyStats> inProcess = new ArrayList<>();
        try (Engine engine = Engine.inProcess(set, 0, 1); Tokenizer tokenizer = set.trunk().openTokenizer()) {
            InProcessDriver driver = new InProcessDriver(new Generator(engine, tokenizer));
            driver.run(prompts(8, promptLength, 1), 16);
            for (int n : STREAMS) {
                inProcess.add(driver.run(prompts(n, promptLength, n), tokens));
            }
        }

        List<String> routerJvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseSerialGC",
                "-Dflexserve.router.micro-batches=" + arg(args, "--micro-batches", "2")));
        Path recording = work.resolve("router.jfr");
        if (profile) {
            routerJvm.add("-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true");
        }
        List<LatencyStats> distributed = new ArrayList<>();
        String breakdown;
        try (Platform platform = Platform.start(new Platform.Settings(home, models, work.resolve("state"), Platform.Ports.any(),
                routerJvm, List.of("-Xmx256m", "-XX:+UseSerialGC"), List.of()))) {
            PlatformDriver driver = new PlatformDriver(platform.router().url(), platform.internalSecret());
            List<String> experts = platform.experts().values().stream().map(ServiceProcess::url).toList();
            driver.run(prompts(8, promptLength, 1), 16);
            TimeBreakdown.Snapshot before = null;
            for (int n : STREAMS) {
                before = TimeBreakdown.scrape(platform.router().url(), experts);
                distributed.add(driver.run(prompts(n, promptLength, n), tokens));
            }
            TimeBreakdown.Snapshot last = TimeBreakdown.scrape(platform.router().url(), experts).minus(before);
            breakdown = TimeBreakdown.describe(last, distributed.get(distributed.size() - 1).seconds());
        }

        System.out.printf(Locale.ROOT, "%n## Stream benchmark, %s, %d cores, demo models (%d experts), %d prompt + %d generated tokens, router micro-batches %s%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), set.experts().size(), promptLength, tokens,
                arg(args, "--micro-batches", "2"));
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
        System.out.println(breakdown);
        if (profile) {
            System.out.println(RouterProfile.summarise(recording));
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

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
