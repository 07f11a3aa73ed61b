package dev.flexserve.router.scheduler;

import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Expert;
import dev.flexserve.model.engine.ExpertFfn;
import dev.flexserve.model.engine.TrunkRuntime;
import dev.flexserve.model.generation.Completion;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.TrunkPackage;
import dev.flexserve.model.sampling.SamplingParams;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.router.access.ExpertRule;
import dev.flexserve.router.access.ExpertStatus;
import dev.flexserve.router.access.Policy;
import dev.flexserve.router.trunk.RouterSettings.RevocationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scheduling policy on its own: no threads, no services. The engine runs the demo trunk with fake experts that
 * count their calls, and the test plays the scheduler's loop itself: schedule, step every part, update.
 */
class BatchPolicyTest {
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    /** The demo model's KV cache per position: 2 (K and V) x 4 layers x 2 KV heads x 16 x 4 bytes. */
    static final long BYTES_PER_POSITION = 2L * 4 * 2 * 16 * Float.BYTES;

    @TempDir
    static Path root;
    static TrunkPackage trunk;
    static TrunkRuntime runtime;
    static Tokenizer tokenizer;
    static List<CountingFfn> ffns = new ArrayList<>();
    static List<Expert> experts = new ArrayList<>();
    static Generator generator;

    /** A fake expert: a fixed smooth function of its rows, counting the calls it gets. */
    static final class CountingFfn implements ExpertFfn {
        final AtomicInteger calls = new AtomicInteger();
        final float scale;

        CountingFfn(float scale) {
            this.scale = scale;
        }

        @Override
        public float[] forward(int layer, float[] rows, int count) {
            calls.incrementAndGet();
            float[] out = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                out[i] = (float) Math.tanh(scale * rows[i]);
            }
            return out;
        }
    }

    @BeforeAll
    static void load() throws Exception {
        DemoModels.write(root.resolve("models"));
        trunk = TrunkPackage.load(root.resolve("models/trunk"));
        runtime = new TrunkRuntime(trunk, 1);
        tokenizer = trunk.openTokenizer();
        for (int e = 0; e < DemoModels.EXPERTS; e++) {
            String id = e == 0 ? ExpertPackage.PUBLIC_ID : "expert-" + e;
            ExpertPackage p = ExpertPackage.load(root.resolve("models").resolve(id), trunk);
            CountingFfn ffn = new CountingFfn(0.5f + 0.25f * e);
            ffns.add(ffn);
            experts.add(new Expert(id, p.manifest().owner(), p.hash(), p.router(), p.bias(), ffn));
        }
        generator = new Generator(new Engine(trunk, runtime, experts, 2), tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        runtime.close();
    }

    static ExpertDirectory directory(ExpertStatus... statuses) {
        ExpertDirectory d = ExpertDirectory.EMPTY;
        for (int s = 0; s < experts.size(); s++) {
            ExpertStatus status = s < statuses.length ? statuses[s] : ExpertStatus.ACTIVE;
            d = d.with(s, experts.get(s), new ExpertRule(experts.get(s).owner(), status, Policy.everyone()));
        }
        return d;
    }

    static BatchPolicy policy(int maxBatch, int maxQueue, long budget, int microBatches, RevocationMode mode) {
        return new BatchPolicy(new BatchPolicy.Limits(maxBatch, maxQueue, budget, BYTES_PER_POSITION, microBatches, mode));
    }

    static GenerationJob job(int promptLength, int maxTokens) {
        int[] prompt = new int[promptLength];
        for (int i = 0; i < promptLength; i++) {
            prompt[i] = 65 + i % 26;
        }
        return new GenerationJob(prompt, SamplingParams.greedy(maxTokens), "acme", null, Set.of(), t -> { },
                new CompletableFuture<>(), 0);
    }

    /** One iteration of the scheduler's loop, on this thread. */
    static List<BatchPolicy.Outcome> step(BatchPolicy policy, ExpertDirectory d) {
        BatchPolicy.Plan plan = policy.schedule(d, generator, NOW);
        plan.microBatches().forEach(generator::step);
        return policy.update();
    }

    @Test
    void strictRevocationReprefillsTheSequenceWithoutTheExpertAndNeverCallsItAgain() {
        BatchPolicy policy = policy(8, 8, 1 << 20, 1, RevocationMode.STRICT);
        policy.enqueue(job(12, 10), directory(), NOW);
        step(policy, directory());
        step(policy, directory());
        Completion running = policy.schedule(directory(), generator, NOW).microBatches().get(0).get(0);
        assertThat(running.sequence().allowed()).contains(1);
        int cachedBefore = running.sequence().length();
        assertThat(cachedBefore).isGreaterThan(12);

        ExpertDirectory revoked = directory(ExpertStatus.ACTIVE, ExpertStatus.REVOKED);
        BatchPolicy.Plan plan = policy.schedule(revoked, generator, NOW);
        Completion restarted = plan.microBatches().get(0).get(0);
        assertThat(restarted).isSameAs(running);
        assertThat(restarted.sequence().allowed()).doesNotContain(1).contains(0, 2, 3, 4);
        assertThat(restarted.sequence().length()).as("a new cache, to be prefilled").isZero();

        int callsBefore = ffns.get(1).calls.get();
        int tokensBefore = restarted.tokenCount();
        plan.microBatches().forEach(generator::step);
        policy.update();
        GenerationResult result = null;
        while (result == null) {
            for (BatchPolicy.Outcome o : step(policy, revoked)) {
                result = o.finished();
            }
        }
        assertThat(ffns.get(1).calls.get()).as("calls to the revoked expert").isEqualTo(callsBefore);
        assertThat(restarted.tokenCount()).isGreaterThan(tokensBefore);
        assertThat(restarted.sequence().length()).as("prompt and every token re-prefilled").isGreaterThan(cachedBefore);
        assertThat(result.tokens()).hasSize(10);
    }

    @Test
    void continueModeKeepsTheCacheAndOnlyTakesTheExpertAway() {
        BatchPolicy policy = policy(8, 8, 1 << 20, 1, RevocationMode.CONTINUE);
        policy.enqueue(job(12, 6), directory(), NOW);
        step(policy, directory());
        ExpertDirectory revoked = directory(ExpertStatus.ACTIVE, ExpertStatus.INACTIVE);
        Completion c = policy.schedule(revoked, generator, NOW).microBatches().get(0).get(0);
        assertThat(c.sequence().allowed()).doesNotContain(1);
        assertThat(c.sequence().length()).isEqualTo(12);
    }

    @Test
    void requestsThatCanNeverFitTheBudgetAreRefusedAndOthersWaitForRoom() {
        // One job of 12 + 8 positions fits, two do not.
        long budget = 30 * BYTES_PER_POSITION;
        BatchPolicy policy = policy(8, 8, budget, 1, RevocationMode.CONTINUE);
        assertThatThrownBy(() -> policy.enqueue(job(20, 11), directory(), NOW)).isInstanceOf(KvCacheBudgetException.class);
        assertThat(policy.waitingCount()).isZero();

        GenerationJob first = job(12, 8);
        GenerationJob second = job(12, 8);
        policy.enqueue(first, directory(), NOW);
        policy.enqueue(second, directory(), NOW);
        step(policy, directory());
        assertThat(policy.runningCount()).isEqualTo(1);
        assertThat(policy.waitingCount()).isEqualTo(1);
        assertThat(policy.reservedBytes()).isEqualTo(20 * BYTES_PER_POSITION);

        while (!first.result().isDone()) {
            step(policy, directory()).forEach(BatchPolicyTest::deliver);
            assertThat(policy.reservedBytes()).isLessThanOrEqualTo(budget);
            if (!first.result().isDone()) {
                assertThat(policy.waitingCount()).as("the second waits while the first holds the budget").isEqualTo(1);
            }
        }
        policy.schedule(directory(), generator, NOW);
        assertThat(policy.waitingCount()).isZero();
        assertThat(policy.runningCount()).isEqualTo(1);
        assertThat(policy.reservedBytes()).isEqualTo(20 * BYTES_PER_POSITION);
    }

    @Test
    void aFullQueueRefusesAtOnce() {
        BatchPolicy policy = policy(1, 2, 1 << 20, 1, RevocationMode.CONTINUE);
        policy.enqueue(job(4, 4), directory(), NOW);
        policy.enqueue(job(4, 4), directory(), NOW);
        assertThatThrownBy(() -> policy.enqueue(job(4, 4), directory(), NOW)).isInstanceOf(QueueFullException.class);
    }

    @Test
    void theRunningSetIsSplitIntoDisjointMicroBatchesOfNearEqualSize() {
        BatchPolicy policy = policy(8, 8, 1 << 20, 2, RevocationMode.CONTINUE);
        for (int i = 0; i < 5; i++) {
            policy.enqueue(job(3 + i, 4), directory(), NOW);
        }
        List<List<Completion>> parts = policy.schedule(directory(), generator, NOW).microBatches();
        assertThat(parts).hasSize(2);
        assertThat(parts.stream().map(List::size).toList()).containsExactlyInAnyOrder(3, 2);
        Set<Completion> all = new HashSet<>();
        parts.forEach(all::addAll);
        assertThat(all).hasSize(5);

        BatchPolicy wide = policy(8, 8, 1 << 20, 4, RevocationMode.CONTINUE);
        for (int i = 0; i < 3; i++) {
            wide.enqueue(job(3, 4), directory(), NOW);
        }
        assertThat(wide.schedule(directory(), generator, NOW).microBatches()).hasSize(3).allSatisfy(p -> assertThat(p).hasSize(1));
        assertThat(policy(8, 8, 1 << 20, 4, RevocationMode.CONTINUE).schedule(directory(), generator, NOW).isEmpty()).isTrue();
    }

    private static void deliver(BatchPolicy.Outcome o) {
        if (o.finished() != null) {
            o.job().result().complete(o.finished());
        }
    }
}
