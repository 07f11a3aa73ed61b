package dev.flexserve.router.scheduler;

import dev.flexserve.model.generation.GenerationResult;
import dev.flexserve.model.sampling.SamplingParams;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A generation request as the scheduler queues it: prompt ids, sampling, the caller's organization and its expert
 * choices. {@code include} null means every expert the caller may use. Tokens are reported to {@code onToken} as
 * they are generated (on the scheduler thread: it must not block) and the result completes {@code result}: normally,
 * with {@code finish_reason} {@code cancelled} after {@link #cancel}, or exceptionally — with a
 * {@link GenerationAbortedException} carrying what was generated when the platform cut the request short.
 * {@code submittedNanos} ({@link System#nanoTime()}) is when the caller asked, for time-to-first-token.
 */
public record GenerationJob(int[] prompt, SamplingParams params, String organization, Set<String> include,
                            Set<String> exclude, Consumer<TokenEvent> onToken, CompletableFuture<GenerationResult> result,
                            long submittedNanos, AtomicBoolean cancellation) {
    public static final String CANCELLED = "cancelled";

    public GenerationJob(int[] prompt, SamplingParams params, String organization, Set<String> include, Set<String> exclude,
                         Consumer<TokenEvent> onToken, CompletableFuture<GenerationResult> result, long submittedNanos) {
        this(prompt, params, organization, include, exclude, onToken, result, submittedNanos, new AtomicBoolean());
    }

    /** The client went away: the scheduler ends the request at its next step, with what was generated so far. */
    public void cancel() {
        cancellation.set(true);
    }

    public boolean cancelled() {
        return cancellation.get();
    }

    /** One generated token and the text that became final with it (may be empty). */
    public record TokenEvent(int token, String text) {
    }
}
