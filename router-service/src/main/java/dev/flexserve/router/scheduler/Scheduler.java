package dev.flexserve.router.scheduler;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Expert;
import dev.flexserve.model.generation.Completion;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching over the FlexOlmo engine. One thread owns the engine and every sequence: each iteration
 * (a step) re-checks every running sequence's allowed experts against the registry's current rules, admits
 * queued requests while the batch and the KV-cache budget have room, and advances every running completion by
 * one token (new ones by their prefill), then reports tokens and finished results. Requests join and leave only
 * at step boundaries.
 *
 * <p>Registry changes that take experts away ({@link #updateRule}) return only after the step in flight has
 * finished, so once they return no later step computes a token with that expert.
 */
@Startup
@ApplicationScoped
public class Scheduler {
    private static final Logger LOG = Logger.getLogger(Scheduler.class);
    public static final int PUBLIC_SLOT = 0;

    private final Trunk trunk;
    private final RouterSettings settings;
    private final MeterRegistry metrics;
    private final ExecutorService fanout;
    private final ExecutorService microBatchThreads;
    private final ReentrantLock stepLock = new ReentrantLock();
    private final BlockingQueue<GenerationJob> queue;
    private final List<Running> running = new ArrayList<>();
    private final AtomicInteger runningCount = new AtomicInteger();
    private final Timer timeToFirstToken;
    private final Timer interTokenLatency;
    private final Timer stepTime;
    private final long bytesPerPosition;
    private final Thread loop;
    private volatile Directory directory = new Directory(List.of(), List.of());
    private volatile boolean stopping;
    private volatile Generator generator;
    private long reservedBytes;

    public Scheduler(Trunk trunk, RouterSettings settings, MeterRegistry metrics) {
        this.trunk = trunk;
        this.settings = settings;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(settings.maxQueue());
        this.fanout = Executors.newFixedThreadPool(settings.fanoutThreads(), r -> {
            Thread t = new Thread(r, "expert-fanout");
            t.setDaemon(true);
            return t;
        });
        this.microBatchThreads = Executors.newFixedThreadPool(Math.max(1, settings.microBatches()), r -> {
            Thread t = new Thread(r, "micro-batch");
            t.setDaemon(true);
            return t;
        });
        var c = trunk.trunkPackage().config();
        this.bytesPerPosition = 2L * c.numHiddenLayers() * c.numKeyValueHeads() * c.headDim() * Float.BYTES;
        this.timeToFirstToken = Timer.builder("flexserve.time.to.first.token").publishPercentileHistogram().register(metrics);
        this.interTokenLatency = Timer.builder("flexserve.inter.token.latency").publishPercentileHistogram().register(metrics);
        this.stepTime = Timer.builder("flexserve.engine.step").description("One engine step: every running sequence advances by a token")
                .register(metrics);
        metrics.gauge("flexserve.requests.running", runningCount);
        metrics.gauge("flexserve.requests.queued", queue, BlockingQueue::size);
        ExpertPackage pub = trunk.publicExpert();
        setSlot(PUBLIC_SLOT, new Expert(pub.id(), pub.manifest().owner(), pub.hash(), pub.router(), pub.bias(), trunk.publicFfn()),
                new ExpertRule(pub.manifest().owner(), ExpertStatus.ACTIVE, Policy.everyone()));
        this.loop = new Thread(this::run, "scheduler");
        loop.start();
    }

    /** The experts by slot and the rule of each, replaced as a whole so readers never see half an update. */
    private record Directory(List<Expert> experts, List<ExpertRule> rules) {
        Directory with(int slot, Expert expert, ExpertRule rule) {
            if (slot > experts.size()) {
                throw new IllegalStateException("expert slots are filled in order; slot " + experts.size() + " is next, not " + slot);
            }
            List<Expert> e = new ArrayList<>(experts);
            List<ExpertRule> r = new ArrayList<>(rules);
            if (slot == experts.size()) {
                e.add(expert);
                r.add(rule);
            } else {
                e.set(slot, expert);
                r.set(slot, rule);
            }
            return new Directory(List.copyOf(e), List.copyOf(r));
        }
    }

    /** Installs (or replaces) the expert in {@code slot} between two steps; slots are added in order. */
    public void setSlot(int slot, Expert expert, ExpertRule rule) {
        stepLock.lock();
        try {
            synchronized (this) {
                directory = directory.with(slot, expert, rule);
            }
            Engine engine = new Engine(trunk.trunkPackage(), trunk.runtime(), directory.experts(), expertsPerToken(), fanout);
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
            Directory d = directory;
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
        Set<String> allowed = allowedIds(job, Instant.now());
        long need = bytesFor(job);
        if (need > settings.kvCacheBudgetBytes()) {
            throw new KvCacheBudgetException(need, settings.kvCacheBudgetBytes());
        }
        if (allowed.isEmpty()) {
            throw new NoExpertLeftException();
        }
        if (!queue.offer(job)) {
            throw new QueueFullException(settings.maxQueue());
        }
        synchronized (queue) {
            queue.notifyAll();
        }
    }

    /** An expert a caller may use now, as {@code /v1/models} lists it; {@code version} is its package hash. */
    public record AvailableExpert(String id, String owner, ExpertStatus status, String version) {
    }

    /** The experts {@code organization} may use at {@code now}, in slot order (the public expert first). */
    public List<AvailableExpert> available(String organization, Instant now) {
        Directory d = directory;
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
        Set<String> allowed = allowedIds(job, Instant.now());
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

    private long bytesFor(GenerationJob job) {
        return bytesPerPosition * (job.prompt().length + (long) job.params().maxTokens());
    }

    /** ALLOWED for a job: its include list (or every expert) minus its exclude list, filtered by the rules. */
    private Set<String> allowedIds(GenerationJob job, Instant now) {
        Directory d = directory;
        List<Expert> current = d.experts();
        Map<String, Integer> byId = new HashMap<>();
        for (int s = 0; s < current.size(); s++) {
            byId.put(current.get(s).id(), s);
        }
        for (Set<String> named : List.of(job.include() == null ? Set.<String>of() : job.include(), job.exclude())) {
            for (String id : named) {
                if (!byId.containsKey(id)) {
                    throw new UnknownExpertException(id);
                }
            }
        }
        Set<String> allowed = new LinkedHashSet<>();
        if (job.include() != null) {
            for (String id : job.include()) {
                if (!d.rules().get(byId.get(id)).allows(job.organization(), now)) {
                    throw new ExpertNotGrantedException(id, job.organization());
                }
                allowed.add(id);
            }
        } else {
            for (int s = 0; s < current.size(); s++) {
                if (d.rules().get(s).allows(job.organization(), now)) {
                    allowed.add(current.get(s).id());
                }
            }
        }
        allowed.removeAll(job.exclude());
        return allowed;
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
        synchronized (queue) {
            while (!stopping && running.isEmpty() && queue.isEmpty()) {
                queue.wait(1000);
            }
        }
    }

    private void step() {
        Instant now = Instant.now();
        endCancelled();
        enforceRules(now);
        admit(now);
        if (running.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        advance(running.stream().map(r -> r.completion).toList());
        long elapsed = System.nanoTime() - start;
        stepTime.record(elapsed, TimeUnit.NANOSECONDS);
        for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
            Running r = it.next();
            Completion c = r.completion;
            int generated = c.tokenCount();
            if (generated > r.reported) {
                if (r.reported == 0) {
                    timeToFirstToken.record(System.nanoTime() - r.job.submittedNanos(), TimeUnit.NANOSECONDS);
                } else {
                    interTokenLatency.record(elapsed, TimeUnit.NANOSECONDS);
                }
                r.job.onToken().accept(new GenerationJob.TokenEvent(c.lastToken(), c.delta()));
                r.reported = generated;
            }
            if (c.finished()) {
                it.remove();
                reservedBytes -= r.reservedBytes;
                r.job.result().complete(c.result());
            }
        }
        runningCount.set(running.size());
    }

    /**
     * Advances every completion by one token. With micro-batches the running set is split and the parts run
     * concurrently: while one part waits for its experts' answers at some layer, another computes attention and
     * gating, so the network round trips overlap with work. The engine serves disjoint sequences from several threads.
     */
    private void advance(List<Completion> completions) {
        int parts = Math.min(settings.microBatches(), completions.size());
        if (parts <= 1) {
            generator.step(completions);
            return;
        }
        List<List<Completion>> split = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            split.add(new ArrayList<>());
        }
        for (int i = 0; i < completions.size(); i++) {
            split.get(i % parts).add(completions.get(i));
        }
        Generator g = generator;
        CompletableFuture<?>[] steps = split.stream()
                .map(part -> CompletableFuture.runAsync(() -> g.step(part), microBatchThreads)).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(steps).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Ends, before the step, every running request whose client went away, with what it generated so far. */
    private void endCancelled() {
        for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
            Running r = it.next();
            if (r.job.cancelled()) {
                it.remove();
                reservedBytes -= r.reservedBytes;
                r.job.result().complete(cut(r.completion, GenerationJob.CANCELLED));
            }
        }
    }

    /** A completion's result as it stands, ended for {@code reason}. */
    private static GenerationResult cut(Completion c, String reason) {
        GenerationResult r = c.result();
        return new GenerationResult(r.tokens(), r.text(), reason, r.promptTokens(), r.attribution(), r.dropped(), r.error());
    }

    /** Takes away, before the step, every expert a running sequence may no longer use. */
    private void enforceRules(Instant now) {
        Directory d = directory;
        for (Running r : running) {
            int[] allowed = r.completion.sequence().allowed();
            List<Integer> revoked = new ArrayList<>();
            for (int s : allowed) {
                if (!d.rules().get(s).allows(r.job.organization(), now)) {
                    revoked.add(s);
                }
            }
            if (revoked.isEmpty()) {
                continue;
            }
            if (settings.revocationMode() == RouterSettings.RevocationMode.STRICT && revoked.size() < allowed.length) {
                List<String> keep = new ArrayList<>();
                for (int s : allowed) {
                    if (!revoked.contains(s)) {
                        keep.add(d.experts().get(s).id());
                    }
                }
                int length = r.completion.sequence().length();
                r.completion.restart(generator.engine().newSequence(keep, length));
            } else {
                revoked.forEach(s -> r.completion.sequence().disallow(s));
            }
        }
    }

    private void admit(Instant now) {
        while (running.size() < settings.maxBatch()) {
            GenerationJob job = queue.peek();
            if (job == null) {
                return;
            }
            long need = bytesFor(job);
            if (reservedBytes + need > settings.kvCacheBudgetBytes() && !running.isEmpty()) {
                return;
            }
            queue.poll();
            if (job.cancelled()) {
                // Nothing was computed for it: it ends with no result to attribute.
                job.result().completeExceptionally(new CancellationException("the client went away"));
                continue;
            }
            try {
                Set<String> allowed = allowedIds(job, now);
                if (allowed.isEmpty()) {
                    throw new NoExpertLeftException();
                }
                Completion c = generator.start(new GenerationRequest(job.prompt(), job.params(), allowed));
                running.add(new Running(job, c, need));
                reservedBytes += need;
            } catch (RuntimeException e) {
                job.result().completeExceptionally(e);
            }
        }
    }

    private void failAll(RuntimeException e) {
        stepLock.lock();
        try {
            for (Running r : running) {
                abort(r, e);
            }
            running.clear();
            reservedBytes = 0;
            runningCount.set(0);
        } finally {
            stepLock.unlock();
        }
    }

    /** Fails a running request; one that generated tokens carries them, so their experts' use is still attributed. */
    private static void abort(Running r, Throwable cause) {
        r.job.result().completeExceptionally(r.completion.tokenCount() > 0
                ? new GenerationAbortedException(cut(r.completion, GenerationAbortedException.ABORTED), cause) : cause);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        synchronized (queue) {
            queue.notifyAll();
        }
        loop.join(10_000);
        IllegalStateException shutdown = new IllegalStateException("the router-service is shutting down");
        for (Running r : running) {
            abort(r, shutdown);
        }
        for (GenerationJob queued : queue) {
            queued.result().completeExceptionally(shutdown);
        }
        fanout.shutdownNow();
        microBatchThreads.shutdownNow();
        for (Expert e : directory.experts()) {
            if (!e.id().equals(ExpertPackage.PUBLIC_ID)) {
                e.ffn().close();
            }
        }
    }

    private static final class Running {
        final GenerationJob job;
        final Completion completion;
        final long reservedBytes;
        int reported;

        Running(GenerationJob job, Completion completion, long reservedBytes) {
            this.job = job;
            this.completion = completion;
            this.reservedBytes = reservedBytes;
        }
    }
}
