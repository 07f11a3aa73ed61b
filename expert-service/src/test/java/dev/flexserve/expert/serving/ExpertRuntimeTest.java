package dev.flexserve.expert.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flexserve.expert.engine.ExecutionProvider;
import dev.flexserve.expert.engine.FfnLoader;
import dev.flexserve.expert.engine.OnnxFfnLoader;
import dev.flexserve.expert.testing.DemoPackagesResource;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.engine.ExpertFfn;
import dev.flexserve.model.packages.TrunkPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** {@link ExpertRuntime} without Quarkus: what startup refuses, activation, and deactivation racing with calls. */
class ExpertRuntimeTest {
    static Path demo;
    static String trunkHash;

    Path work;

    @BeforeAll
    static void writeDemoPackages() throws IOException {
        demo = Files.createTempDirectory("flexserve-expert-runtime").resolve("demo");
        DemoModels.write(demo);
        trunkHash = TrunkPackage.load(demo.resolve("trunk")).hash();
    }

    @AfterAll
    static void deleteDemoPackages() {
        DemoPackagesResource.deleteTree(demo.getParent());
    }

    @BeforeEach
    void copyExpert() throws IOException {
        work = Files.createTempDirectory("flexserve-expert-work");
        copyTree(demo.resolve("expert-1"), work.resolve("expert-1"));
    }

    @AfterEach
    void deleteWork() {
        DemoPackagesResource.deleteTree(work);
    }

    ExpertRuntime.Settings settings(Path dir, String baseHash, boolean startActive) {
        return new ExpertRuntime.Settings(dir, baseHash, 1, ExecutionProvider.CPU, startActive);
    }

    @Test
    void corruptGraphFailsStartupNamingTheFile() throws IOException {
        Path graph = work.resolve("expert-1/layers/ffn_1.onnx");
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(graph, bytes);
        assertThatThrownBy(() -> ExpertRuntime.start(settings(work.resolve("expert-1"), trunkHash, true),
                OnnxFfnLoader.forProvider(ExecutionProvider.CPU)))
                .isInstanceOf(ExpertStartupException.class)
                .hasMessageContaining("expert-service cannot start")
                .hasMessageContaining("layers/ffn_1.onnx fails its SHA-256 check")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void wrongBaseHashFailsStartup() {
        String other = "0".repeat(64);
        assertThatThrownBy(() -> ExpertRuntime.start(settings(work.resolve("expert-1"), other, true), failingLoader()))
                .isInstanceOf(ExpertStartupException.class)
                .hasMessageContaining("built against trunk " + trunkHash)
                .hasMessageContaining(other);
    }

    @Test
    void missingDirectoryFailsStartup() {
        Path missing = work.resolve("no-such-expert");
        assertThatThrownBy(() -> ExpertRuntime.start(settings(missing, trunkHash, true), failingLoader()))
                .isInstanceOf(ExpertStartupException.class)
                .hasMessageContaining(missing + ": expert package directory does not exist");
    }

    @Test
    void missingFileFailsStartupNamingIt() throws IOException {
        Files.delete(work.resolve("expert-1/expert.safetensors"));
        assertThatThrownBy(() -> ExpertRuntime.start(settings(work.resolve("expert-1"), trunkHash, false), failingLoader()))
                .isInstanceOf(ExpertStartupException.class)
                .hasMessageContaining("expert.safetensors");
    }

    @Test
    void sessionsThatCannotOpenFailStartup() {
        FfnLoader broken = (pkg, threads) -> {
            throw new IllegalStateException("no device\nsecond line");
        };
        assertThatThrownBy(() -> ExpertRuntime.start(settings(work.resolve("expert-1"), trunkHash, true), broken))
                .isInstanceOf(ExpertStartupException.class)
                .hasMessage("expert-service cannot start: expert expert-1 from " + work.resolve("expert-1")
                        + " cannot be loaded on cpu: no device second line");
    }

    @Test
    void startsDeactivatedAndActivatesOnRequest() {
        try (ExpertRuntime runtime = ExpertRuntime.start(settings(work.resolve("expert-1"), trunkHash, false),
                OnnxFfnLoader.forProvider(ExecutionProvider.CPU))) {
            assertThat(runtime.isActive()).isFalse();
            assertThatThrownBy(() -> runtime.forward(0, new float[64], 1))
                    .isInstanceOf(ExpertInactiveException.class).hasMessage("expert expert-1 is deactivated");
            ExpertState state = runtime.activate();
            assertThat(state.active()).isTrue();
            assertThat(state.owner()).isEqualTo("demo-org-1");
            assertThat(runtime.forward(3, new float[128], 2)).hasSize(128);
            assertThat(runtime.describe().forwardCalls()).isEqualTo(1);
        }
    }

    @Test
    void activationRefusesAPackageReplacedWhileInactive() throws IOException {
        Path dir = work.resolve("expert-1");
        try (ExpertRuntime runtime = ExpertRuntime.start(settings(dir, trunkHash, true),
                OnnxFfnLoader.forProvider(ExecutionProvider.CPU))) {
            runtime.deactivate();
            // a different, valid expert (same trunk) now sits in the directory
            DemoPackagesResource.deleteTree(dir);
            copyTree(demo.resolve("expert-2"), dir);
            assertThatThrownBy(runtime::activate)
                    .isInstanceOf(ActivationException.class)
                    .hasMessageContaining("expert expert-1 stays deactivated")
                    .hasMessageContaining("changed while inactive");
            assertThat(runtime.isActive()).isFalse();
        }
    }

    @Test
    void deactivationClosesTheSessionsAndActivationReopensThem() {
        List<CountingFfn> opened = new ArrayList<>();
        FfnLoader loader = (pkg, threads) -> {
            CountingFfn f = new CountingFfn(0);
            opened.add(f);
            return f;
        };
        try (ExpertRuntime runtime = ExpertRuntime.start(settings(work.resolve("expert-1"), trunkHash, true), loader)) {
            runtime.forward(0, new float[64], 1);
            runtime.deactivate();
            assertThat(opened).hasSize(1);
            assertThat(opened.get(0).closed.get()).isTrue();
            runtime.activate();
            runtime.activate(); // no-op while active
            assertThat(opened).hasSize(2);
            runtime.forward(0, new float[64], 1);
            assertThat(opened.get(1).runs.get()).isEqualTo(1);
        }
    }

    /** Rows count as in flight from the call's start to its end, failed calls included, and never stay counted. */
    @Test
    void rowsInFlightAreTheRowsOfTheCallsNotYetFinished() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        FfnLoader gated = (pkg, threads) -> new ExpertFfn() {
            @Override
            public float[] forward(int layer, float[] rows, int count) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (layer == 1) {
                    throw new IllegalStateException("this layer fails");
                }
                return rows.clone();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ExpertRuntime runtime = ExpertRuntime.start(settings(work.resolve("expert-1"), trunkHash, true), gated)) {
            assertThat(runtime.rowsInFlight()).isZero();
            Future<?> three = pool.submit(() -> runtime.forward(0, new float[64 * 3], 3));
            Future<?> failing = pool.submit(() -> runtime.forward(1, new float[64 * 2], 2));
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime.rowsInFlight()).isEqualTo(5);
            release.countDown();
            three.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(runtime.rowsInFlight()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Callers hammer a slow FFN that records any run on a closed instance while the expert is deactivated and
     * re-activated: no run ever touches closed sessions, and no call that starts after deactivate() returned
     * succeeds.
     */
    @Test
    void deactivationRacingWithCallsNeverRunsOnClosedSessions() throws Exception {
        ConcurrentLinkedQueue<CountingFfn> opened = new ConcurrentLinkedQueue<>();
        FfnLoader loader = (pkg, threads) -> {
            CountingFfn f = new CountingFfn(200_000);
            opened.add(f);
            return f;
        };
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (ExpertRuntime runtime = ExpertRuntime.start(settings(work.resolve("expert-1"), trunkHash, true), loader)) {
            for (int round = 0; round < 20; round++) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger okAfter = new AtomicInteger();
                AtomicInteger unexpected = new AtomicInteger();
                AtomicLong deactivatedAt = new AtomicLong(Long.MAX_VALUE);
                CountDownLatch started = new CountDownLatch(6);
                CountDownLatch servedBefore = new CountDownLatch(6);
                CountDownLatch triedAfter = new CountDownLatch(6);
                List<Future<?>> callers = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    int layer = t % 4;
                    callers.add(pool.submit(() -> {
                        started.countDown();
                        while (!stop.get()) {
                            long start = System.nanoTime();
                            if (start > deactivatedAt.get()) {
                                triedAfter.countDown();
                            }
                            try {
                                runtime.forward(layer, new float[64], 1);
                                servedBefore.countDown();
                                if (start > deactivatedAt.get()) {
                                    okAfter.incrementAndGet();
                                }
                            } catch (ExpertInactiveException e) {
                                // expected once deactivated
                            } catch (RuntimeException e) {
                                unexpected.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                started.await();
                assertThat(servedBefore.await(30, TimeUnit.SECONDS)).as("calls were served before deactivation").isTrue();
                runtime.deactivate();
                deactivatedAt.set(System.nanoTime());
                assertThat(triedAfter.await(30, TimeUnit.SECONDS)).as("calls were tried after deactivation").isTrue();
                stop.set(true);
                for (Future<?> f : callers) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertThat(okAfter.get()).as("round %d: successes started after deactivate() returned", round).isZero();
                assertThat(unexpected.get()).as("round %d: other failures", round).isZero();
                runtime.activate();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(opened).hasSize(21);
        assertThat(opened).allSatisfy(f -> assertThat(f.runsWhileClosed.get()).isZero());
        assertThat(opened.stream().mapToInt(f -> f.runs.get()).sum()).isGreaterThan(0);
    }

    private static FfnLoader failingLoader() {
        return (pkg, threads) -> {
            throw new AssertionError("must not open sessions");
        };
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** An FFN that spins for a while per call and records whether it was ever run after close(). */
    static final class CountingFfn implements ExpertFfn {
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger runsWhileClosed = new AtomicInteger();
        private final long spinNanos;

        CountingFfn(long spinNanos) {
            this.spinNanos = spinNanos;
        }

        @Override
        public float[] forward(int layer, float[] rows, int count) {
            if (closed.get()) {
                runsWhileClosed.incrementAndGet();
            }
            long until = System.nanoTime() + spinNanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            if (closed.get()) {
                runsWhileClosed.incrementAndGet();
            }
            runs.incrementAndGet();
            return rows.clone();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }
}
