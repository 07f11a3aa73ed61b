package dev.flexserve.router.fanout;

import dev.flexserve.expert.v1.ExpertServiceGrpc;
import dev.flexserve.expert.v1.ForwardReply;
import dev.flexserve.expert.v1.ForwardRequest;
import dev.flexserve.expert.v1.ForwardResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One long-lived {@code ForwardStream} to one expert-service replica: calls are written as messages on the open
 * stream and answered in order, so a call costs two messages instead of an HTTP/2 stream with headers, trailers,
 * interceptors and a credential check of its own (docs/benchmarks.md). The stream is opened on the first call and
 * again after it broke; a broken stream fails every call waiting on it with the stream's status. Answers complete on
 * the transport's thread.
 *
 * <p>Deadlines are per call: {@link #expire} fails the calls older than the timeout with {@code DEADLINE_EXCEEDED};
 * their answers, if they still come, are discarded, and the stream stays open for the calls behind them.
 */
final class ForwardStream {
    private final Channel channel;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** The open stream and the observer of its answers; both null while no stream is open. Guarded by this. */
    private StreamObserver<ForwardRequest> requests;
    private Answers answers;
    private Status lastFailure = Status.UNAVAILABLE;

    private record Pending(CompletableFuture<ForwardResponse> result, long startedNanos) {
    }

    ForwardStream(Channel channel) {
        this.channel = channel;
    }

    CompletableFuture<ForwardResponse> call(ForwardRequest request) {
        CompletableFuture<ForwardResponse> result = new CompletableFuture<>();
        synchronized (this) {
            if (requests == null) {
                Answers opening = new Answers();
                answers = opening;
                StreamObserver<ForwardRequest> stream = ExpertServiceGrpc.newStub(channel).forwardStream(opening);
                if (answers != opening) {
                    // The transport refused the stream at once (its callback ran on this thread): it is not open.
                    return CompletableFuture.failedFuture(lastFailure.asRuntimeException());
                }
                requests = stream;
            }
            pending.add(new Pending(result, System.nanoTime()));
            // A StreamObserver is not thread-safe: messages are written under the lock that orders the pending calls.
            requests.onNext(request);
        }
        return result;
    }

    /**
     * Fails every call that has waited longer than {@code timeoutNanos} with {@code DEADLINE_EXCEEDED}, and then resets
     * the stream: a stream that leaves a call unanswered that long may never answer again (a peer gone without a
     * reset), so the calls behind it fail {@code UNAVAILABLE} (and are retried once on a new stream).
     */
    void expire(long timeoutNanos) {
        long now = System.nanoTime();
        List<Pending> late = new ArrayList<>();
        StreamObserver<ForwardRequest> stale;
        Answers staleAnswers;
        synchronized (this) {
            for (Pending p : pending) {
                if (now - p.startedNanos >= timeoutNanos && !p.result.isDone()) {
                    late.add(p);
                }
            }
            stale = requests;
            staleAnswers = answers;
        }
        if (late.isEmpty()) {
            return;
        }
        late.forEach(p -> p.result.completeExceptionally(Status.DEADLINE_EXCEEDED
                .withDescription("no answer within " + timeoutNanos / 1_000_000 + " ms").asRuntimeException()));
        if (stale != null) {
            broken(staleAnswers, Status.UNAVAILABLE.withDescription("stream reset after a call went unanswered"));
            stale.onError(Status.CANCELLED.asRuntimeException());
        }
    }

    /** Ends the stream; calls still waiting fail {@code CANCELLED}. */
    void close() {
        StreamObserver<ForwardRequest> open;
        Answers current;
        synchronized (this) {
            open = requests;
            current = answers;
        }
        if (open != null) {
            broken(current, Status.CANCELLED.withDescription("the router closed its connection"));
            open.onError(Status.CANCELLED.asRuntimeException());
        }
    }

    /** Fails every call waiting on the stream {@code of} answers (if it is still the open one) and forgets it. */
    private void broken(Answers of, Status status) {
        List<Pending> failed;
        synchronized (this) {
            if (answers != of) {
                return;
            }
            answers = null;
            requests = null;
            lastFailure = status;
            failed = new ArrayList<>(pending);
            pending.clear();
        }
        failed.forEach(p -> p.result.completeExceptionally(status.asRuntimeException()));
    }

    private final class Answers implements StreamObserver<ForwardReply> {
        @Override
        public void onNext(ForwardReply reply) {
            Pending p;
            synchronized (ForwardStream.this) {
                p = answers == this ? pending.poll() : null;
            }
            if (p == null) {
                return;
            }
            if (reply.hasResponse()) {
                p.result.complete(reply.getResponse());
            } else {
                p.result.completeExceptionally(Status.fromCodeValue(reply.getError().getCode())
                        .withDescription(reply.getError().getDescription()).asRuntimeException());
            }
        }

        @Override
        public void onError(Throwable t) {
            broken(this, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            broken(this, Status.UNAVAILABLE.withDescription("the expert-service ended the stream"));
        }
    }
}
