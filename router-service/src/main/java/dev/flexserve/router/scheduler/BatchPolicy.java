package dev.flexserve.router.scheduler;

import dev.flexserve.model.engine.Expert;
import dev.flexserve.model.generation.Completion;
import dev.flexserve.model.generation.GenerationRequest;
import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.generation.Generator;
import dev.flexserve.router.access.ExpertNotGrantedException;
import dev.flexserve.router.access.UnknownExpertException;
import dev.flexserve.router.trunk.RouterSettings.RevocationMode;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * The scheduling decisions of continuous batching, as plain single-threaded state (vLLM's {@code schedule()} and
 * {@code update_from_output()}): {@link #enqueue} refuses what can never run and queues the rest; {@link #schedule}
 * applies the experts' current rules to the running sequences (taking revoked experts away, or re-prefilling them in
 * strict mode), admits waiting requests while the batch and the KV-cache budget have room, and splits the running
 * set into micro-batches; {@link #update} collects the tokens the step produced and retires finished requests,
 * freeing their budget. It computes nothing and starts no thread: the {@link Scheduler} runs the engine between
 * {@code schedule} and {@code update}, and its callers synchronise.
 */
final class BatchPolicy {
    /** Limits of the batch; {@code bytesPerPosition} is the KV cache one position of one sequence holds. */
    record Limits(int maxBatch, int maxQueue, long kvCacheBudgetBytes, long bytesPerPosition, int microBatches,
                  RevocationMode revocationMode) {
    }

    /** What one step runs: disjoint parts of the running set, each stepped on its own thread. */
    record Plan(List<List<Completion>> microBatches) {
        boolean isEmpty() {
            return microBatches.isEmpty();
        }
    }

    /** What one step produced for a request: its new token (if any) and its result once finished. */
    record Outcome(GenerationJob job, GenerationJob.TokenEvent token, boolean firstToken, GenerationResult finished) {
    }

    private final Limits limits;
    private final ArrayDeque<GenerationJob> waiting = new ArrayDeque<>();
    private final List<Running> running = new ArrayList<>();
    private long reservedBytes;

    BatchPolicy(Limits limits) {
        this.limits = limits;
    }

    /**
     * Checks {@code job} against the limits and the experts' rules now, and queues it.
     *
     * @throws KvCacheBudgetException when the request could never fit the cache budget
     * @throws NoExpertLeftException  when no expert is left to serve it
     * @throws QueueFullException     when the queue is full
     * @throws UnknownExpertException, ExpertNotGrantedException for its expert choice
     */
    void enqueue(GenerationJob job, ExpertDirectory directory, Instant now) {
        Set<String> allowed = allowedIds(job, directory, now);
        long need = bytesFor(job);
        if (need > limits.kvCacheBudgetBytes()) {
            throw new KvCacheBudgetException(need, limits.kvCacheBudgetBytes());
        }
        if (allowed.isEmpty()) {
            throw new NoExpertLeftException();
        }
        if (waiting.size() >= limits.maxQueue()) {
            throw new QueueFullException(limits.maxQueue());
        }
        waiting.add(job);
    }

    boolean hasWork() {
        return !running.isEmpty() || !waiting.isEmpty();
    }

    int runningCount() {
        return running.size();
    }

    int waitingCount() {
        return waiting.size();
    }

    long reservedBytes() {
        return reservedBytes;
    }

    /**
     * The step to run now: rules applied to the running sequences, waiting requests admitted while they fit, the
     * running set split into at most {@code microBatches} parts of near-equal size. A request whose expert choice
     * is no longer possible at admission fails here (its result completes exceptionally).
     */
    Plan schedule(ExpertDirectory directory, Generator generator, Instant now) {
        enforceRules(directory, generator, now);
        admit(directory, generator, now);
        int parts = Math.min(Math.max(1, limits.microBatches()), running.size());
        List<List<Completion>> split = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            split.add(new ArrayList<>());
        }
        for (int i = 0; i < running.size(); i++) {
            split.get(i % parts).add(running.get(i).completion);
        }
        return new Plan(split);
    }

    /** After a step: the token of every request that got one, and the requests that finished (now retired). */
    List<Outcome> update() {
        List<Outcome> out = new ArrayList<>();
        for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
            Running r = it.next();
            Completion c = r.completion;
            int generated = c.tokenCount();
            GenerationJob.TokenEvent token = null;
            boolean first = false;
            if (generated > r.reported) {
                token = new GenerationJob.TokenEvent(c.lastToken(), c.delta());
                first = r.reported == 0;
                r.reported = generated;
            }
            GenerationResult result = null;
            if (c.finished()) {
                it.remove();
                reservedBytes -= r.reservedBytes;
                result = c.result();
            }
            if (token != null || result != null) {
                out.add(new Outcome(r.job, token, first, result));
            }
        }
        return out;
    }

    /** A request the platform ended: its partial result when it had generated tokens, else null. */
    record Aborted(GenerationJob job, GenerationResult partial) {
    }

    /** Retires every running request (the step failed, or the router stops); returns them with what they generated. */
    List<Aborted> abortRunning() {
        List<Aborted> out = running.stream()
                .map(r -> new Aborted(r.job, r.completion.tokenCount() > 0 ? cut(r.completion, GenerationAbortedException.ABORTED) : null))
                .toList();
        running.clear();
        reservedBytes = 0;
        return out;
    }

    /** Takes every waiting request out of the queue (the router stops). */
    List<GenerationJob> drainWaiting() {
        List<GenerationJob> out = new ArrayList<>(waiting);
        waiting.clear();
        return out;
    }

    /**
     * Retires, before a step, every running request whose client went away: its outcome is what it generated so far,
     * ended {@code cancelled}. Waiting ones are dropped at admission.
     */
    List<Outcome> retireCancelled() {
        List<Outcome> out = new ArrayList<>();
        for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
            Running r = it.next();
            if (r.job.cancelled()) {
                it.remove();
                reservedBytes -= r.reservedBytes;
                out.add(new Outcome(r.job, null, false, cut(r.completion, GenerationJob.CANCELLED)));
            }
        }
        return out;
    }

    /** A completion's result as it stands, ended for {@code reason}. */
    private static GenerationResult cut(Completion c, String reason) {
        GenerationResult r = c.result();
        return new GenerationResult(r.tokens(), r.text(), reason, r.promptTokens(), r.attribution(), r.dropped(), r.error());
    }

    /** ALLOWED for a job: its include list (or every expert) minus its exclude list, filtered by the rules. */
    static Set<String> allowedIds(GenerationJob job, ExpertDirectory d, Instant now) {
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

    private long bytesFor(GenerationJob job) {
        return limits.bytesPerPosition() * (job.prompt().length + (long) job.params().maxTokens());
    }

    /** Takes away, before the step, every expert a running sequence may no longer use. */
    private void enforceRules(ExpertDirectory d, Generator generator, Instant now) {
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
            if (limits.revocationMode() == RevocationMode.STRICT && revoked.size() < allowed.length) {
                List<String> keep = new ArrayList<>();
                for (int s : allowed) {
                    if (!revoked.contains(s)) {
                        keep.add(d.experts().get(s).id());
                    }
                }
                r.completion.restart(generator.engine().newSequence(keep, r.completion.sequence().length()));
            } else {
                revoked.forEach(s -> r.completion.sequence().disallow(s));
            }
        }
    }

    /** Admits waiting requests in order while the batch has a place and the budget room (the first always fits). */
    private void admit(ExpertDirectory d, Generator generator, Instant now) {
        while (running.size() < limits.maxBatch()) {
            GenerationJob job = waiting.peek();
            if (job == null) {
                return;
            }
            long need = bytesFor(job);
            if (reservedBytes + need > limits.kvCacheBudgetBytes() && !running.isEmpty()) {
                return;
            }
            waiting.poll();
            if (job.cancelled()) {
                // Nothing was computed for it: it ends with no result to attribute.
                job.result().completeExceptionally(new CancellationException("the client went away"));
                continue;
            }
            try {
                Set<String> allowed = allowedIds(job, d, now);
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
