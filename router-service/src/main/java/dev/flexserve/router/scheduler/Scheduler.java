package dev.flexserve.router.scheduler;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Expert;
import dev.flexserve.model.generation.Completion;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.router.access.ExpertNotGrantedException;
import dev.flexserve.router.access.ExpertRule;
import dev.flexserve.router.access.ExpertStatus;
import dev.flexserve.router.access.Policy;
import dev.flexserve.router.access.UnknownExpertException;
import dev.flexserve.router.trunk.RouterSettings;
import dev.flexserve.router.trunk.Trunk;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching over the FlexOlmo engine: the thread that runs {@link BatchPolicy}'s decisions. One thread owns
 * the engine and every sequence; each iteration (a step) asks the policy what to run (rules applied, requests
 * admitted, micro-batches split), advances every running completion by one token (new ones by their prefill), and
 * hands the policy's outcomes to the callers: tokens and finished results. Requests join and leave only at step
 * boundaries.
 *
 * <p>Registry changes that take experts away ({@link #updateRule}) return only after the step in flight has
 * finished, so once they return no later step computes a token with that expert.
 *
 * <p>The scheduler owns no connection: it runs engines over the trunk's sessions ({@link Trunk} closes them) and the
 * experts the registry installs ({@code fanout.Fanout} closes their connections); closing an engine closes neither.
 */
@Startup
@ApplicationScoped
public class Scheduler {
    private static final Logger LOG = Logger.getLogger(Scheduler.class);
    public static final int PUBLIC_SLOT = 0;

    private final Trunk trunk;
    private final RouterSettings settings;
    /** Threads for every micro-batch but the last, which the scheduler thread steps itself. */
    private final ExecutorService microBatchThreads;
    private final ReentrantLock stepLock = new ReentrantLock();
    /** Guarded by its own monitor: submitters enqueue while the loop schedules. */
    private final BatchPolicy policy;
    private final AtomicInteger runningCount = new AtomicInteger();
    private final AtomicInteger queuedCount = new AtomicInteger();
    private final Timer timeToFirstToken;
    private final Timer interTokenLatency;
    private final Timer stepTime;
    private final Thread loop;
    private volatile ExpertDirectory directory = ExpertDirectory.EMPTY;
    private volatile boolean stopping;
    private volatile Generator generator;

    public Scheduler(Trunk trunk, RouterSettings settings, MeterRegistry metrics) {
        this.trunk = trunk;
        this.settings = settings;
        var c = trunk.trunkPackage().config();
        this.policy = new BatchPolicy(new BatchPolicy.Limits(settings.maxBatch(), settings.maxQueue(), settings.kvCacheBudgetBytes(),
                2L * c.numHiddenLayers() * c.numKeyValueHeads() * c.headDim() * Float.BYTES, settings.microBatches(),
                settings.revocationMode()));
        this.microBatchThreads = Executors.newFixedThreadPool(Math.max(1, settings.microBatches() - 1), r -> {
            Thread t = new Thread(r, "micro-batch");
            t.setDaemon(true);
            return t;
        });
        this.timeToFirstToken = Timer.builder("flexserve.time.to.first.token").publishPercentileHistogram().register(metrics);
        this.interTokenLatency = Timer.builder("flexserve.inter.token.latency").publishPercentileHistogram().register(metrics);
        this.stepTime = Timer.builder("flexserve.engine.step").description("One engine step: every running sequence advances by a token")
                .register(metrics);
        metrics.gauge("flexserve.requests.running", runningCount);
        metrics.gauge("flexserve.requests.queued", queuedCount);
        ExpertPackage pub = trunk.publicExpert();
        setSlot(PUBLIC_SLOT, new Expert(pub.id(), pub.manifest().owner(), pub.hash(), pub.router(), pub.bias(), trunk.publicFfn()),
                new ExpertRule(pub.manifest().owner(), ExpertStatus.ACTIVE, Policy.everyone()));
        this.loop = new Thread(this::run, "scheduler");
        loop.start();
    }

    /** Installs (or replaces) the expert in {@code slot} between two steps; slots are added in order. */
    public void setSlot(int slot, Expert expert, ExpertRule rule) {
        stepLock.lock();
        try {
            synchronized (this) {
                directory = directory.with(slot, expert, rule);
            }
            Engine engine = new Engine(trunk.trunkPackage(), trunk.runtime(), directory.experts(), expertsPerToken());
            generator = new Generator(engine, trunk.tokenizer());
        } finally {
            stepLock.unlock();
        }
    }

    /**
     * Changes an expert's status or policy. Returns after the step in flight (if any) has finished: from then on
     * every step applies the new rule.
     */
    public void updateRule(int slot, ExpertRule rule) {
        synchronized (this) {
            ExpertDirectory d = directory;
            directory = d.with(slot, d.experts().get(slot), rule);
        }
        stepLock.lock();
        stepLock.unlock();
    }

    /** The next free slot. */
    public int slotCount() {
        return directory.experts().size();
    }

    private int expertsPerToken() {
        return settings.expertsPerToken() > 0 ? settings.expertsPerToken() : trunk.trunkPackage().config().numExpertsPerTok();
    }

    /**
     * Validates the request (its prompt and sampling against the model, its expert choice against the rules now) and
     * queues it.
     *
     * @throws UnknownExpertException     for an unknown expert
     * @throws ExpertNotGrantedException  for one the caller may not use
     * @throws NoExpertLeftException      when no expert is left
     * @throws KvCacheBudgetException     when the request could never fit the cache budget
     * @throws dev.flexserve.model.generation.InvalidPromptException for a prompt the model cannot complete
     * @throws QueueFullException         when the queue is full
     */
    public void submit(GenerationJob job) {
        generator.check(job.prompt(), job.params());
        synchronized (policy) {
            policy.enqueue(job, directory, Instant.now());
            queuedCount.set(policy.waitingCount());
            policy.notifyAll();
        }
    }

    /** An expert a caller may use now, as {@code /v1/models} lists it; {@code version} is its package hash. */
    public record AvailableExpert(String id, String owner, ExpertStatus status, String version) {
    }

    /** The experts {@code organization} may use at {@code now}, in slot order (the public expert first). */
    public List<AvailableExpert> available(String organization, Instant now) {
        ExpertDirectory d = directory;
        List<AvailableExpert> out = new ArrayList<>();
        for (int s = 0; s < d.experts().size(); s++) {
            ExpertRule rule = d.rules().get(s);
            if (rule.allows(organization, now)) {
                Expert e = d.experts().get(s);
                out.add(new AvailableExpert(e.id(), e.owner(), rule.status(), e.version()));
            }
        }
        return out;
    }

    /** Logits of every prompt position, for diagnostics and equivalence checks. */
    public record Logits(List<String> allowed, float[] positions, int vocab) {
    }

    /**
     * Runs one prefill of {@code job}'s prompt with its expert choice between two steps and returns the logits of
     * every position (the job is not queued and generates nothing).
     */
    public Logits logits(GenerationJob job) {
        Set<String> allowed = BatchPolicy.allowedIds(job, directory, Instant.now());
        if (allowed.isEmpty()) {
            throw new NoExpertLeftException();
        }
        stepLock.lock();
        try {
            Engine engine = generator.engine();
            var sequence = engine.newSequence(allowed, job.prompt().length);
            float[] all = engine.forward(List.of(sequence), List.of(job.prompt()), true)[0];
            return new Logits(List.copyOf(allowed), all, engine.config().vocabSize());
        } finally {
            stepLock.unlock();
        }
    }

    private void run() {
        while (!stopping) {
            try {
                awaitWork();
                stepLock.lock();
                try {
                    step();
                } finally {
                    stepLock.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("engine step failed; failing the requests of this batch", e);
                failAll(e);
            }
        }
    }

    private void awaitWork() throws InterruptedException {
        synchronized (policy) {
            while (!stopping && !policy.hasWork()) {
                policy.wait(1000);
            }
        }
    }

    private void step() {
        Generator g = generator;
        BatchPolicy.Plan plan;
        List<BatchPolicy.Outcome> cancelled;
        synchronized (policy) {
            cancelled = policy.retireCancelled();
            plan = policy.schedule(directory, g, Instant.now());
            queuedCount.set(policy.waitingCount());
        }
        cancelled.forEach(o -> o.job().result().complete(o.finished()));
        if (plan.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        advance(g, plan.microBatches());
        long elapsed = System.nanoTime() - start;
        stepTime.record(elapsed, TimeUnit.NANOSECONDS);
        List<BatchPolicy.Outcome> outcomes;
        synchronized (policy) {
            outcomes = policy.update();
            runningCount.set(policy.runningCount());
        }
        long now = System.nanoTime();
        for (BatchPolicy.Outcome o : outcomes) {
            if (o.token() != null) {
                if (o.firstToken()) {
                    timeToFirstToken.record(now - o.job().submittedNanos(), TimeUnit.NANOSECONDS);
                } else {
                    interTokenLatency.record(elapsed, TimeUnit.NANOSECONDS);
                }
                o.job().onToken().accept(o.token());
            }
            if (o.finished() != null) {
                o.job().result().complete(o.finished());
            }
        }
    }

    /**
     * Advances every part by one token. Parts run concurrently (the last on this thread): while one part waits for its
     * experts' answers at some layer, another computes attention and gating, so round trips overlap with work. The
     * engine serves disjoint sequences from several threads.
     */
    private void advance(Generator g, List<List<Completion>> parts) {
        if (parts.size() == 1) {
            g.step(parts.get(0));
            return;
        }
        List<CompletableFuture<?>> others = new ArrayList<>();
        for (List<Completion> part : parts.subList(0, parts.size() - 1)) {
            others.add(CompletableFuture.runAsync(() -> g.step(part), microBatchThreads));
        }
        RuntimeException failure = null;
        try {
            g.step(parts.get(parts.size() - 1));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (CompletableFuture<?> f : others) {
            try {
                f.join();
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void failAll(RuntimeException e) {
        stepLock.lock();
        try {
            List<BatchPolicy.Aborted> aborted;
            synchronized (policy) {
                aborted = policy.abortRunning();
                runningCount.set(0);
            }
            aborted.forEach(a -> abort(a, e));
        } finally {
            stepLock.unlock();
        }
    }

    /** Fails a request the platform ended; one that generated tokens carries them, so their experts' use is still attributed. */
    private static void abort(BatchPolicy.Aborted a, Throwable cause) {
        a.job().result().completeExceptionally(a.partial() != null ? new GenerationAbortedException(a.partial(), cause) : cause);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        synchronized (policy) {
            policy.notifyAll();
        }
        loop.join(10_000);
        microBatchThreads.shutdownNow();
        IllegalStateException shutdown = new IllegalStateException("the router-service is shutting down");
        synchronized (policy) {
            policy.abortRunning().forEach(a -> abort(a, shutdown));
            policy.drainWaiting().forEach(j -> j.result().completeExceptionally(shutdown));
        }
    }
}
