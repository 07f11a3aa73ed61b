package dev.flexserve.expert.grpc;

import static dev.flexserve.expert.grpc.ExpertGrpcTest.EXPERT;
import static dev.flexserve.expert.grpc.ExpertGrpcTest.LAYERS;
import static dev.flexserve.expert.grpc.ExpertGrpcTest.WIDTH;
import static dev.flexserve.expert.testing.ExpertClient.randomRows;
import static dev.flexserve.expert.testing.ExpertClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flexserve.expert.testing.DemoPackagesResource;
import dev.flexserve.expert.testing.ExpertClient;
import dev.flexserve.expert.v1.ForwardRequest;
import dev.flexserve.expert.v1.SetActiveRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DESIGN.md §4 "Revocation" at the expert-service: once SetActive(false) has returned, no Forward call that starts
 * afterwards succeeds, while calls for every layer run concurrently and nothing fails for any other reason.
 */
@QuarkusTest
@WithTestResource(DemoPackagesResource.class)
class DeactivationRaceTest {
    static final int CALLERS = 4;
    static final int ROUNDS = 5;

    @TestHTTPResource("/")
    URL base;

    record Call(long startedAt, long endedAt, Status.Code code) {
    }

    @Test
    void noCallSucceedsAfterDeactivationReturned() throws Exception {
        try (ExpertClient client = new ExpertClient(base.getPort())) {
            for (int round = 0; round < ROUNDS; round++) {
                runRound(client, round);
            }
        }
    }

    private void runRound(ExpertClient client, int round) throws Exception {
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warm = new CountDownLatch(CALLERS);
        CountDownLatch answeredAfterDeactivation = new CountDownLatch(CALLERS * 5);
        AtomicLong deactivated = new AtomicLong(Long.MAX_VALUE);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < CALLERS; t++) {
            int layer = t % LAYERS;
            int rows = 1 + 7 * t;
            ForwardRequest req = request(EXPERT, layer, rows, WIDTH, randomRows(round * 100L + t, rows, WIDTH));
            callers.add(pool.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    long start = System.nanoTime();
                    Status.Code code;
                    try {
                        client.stub().forward(req);
                        code = Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        code = e.getStatus().getCode();
                    }
                    calls.add(new Call(start, System.nanoTime(), code));
                    if (start > deactivated.get()) {
                        answeredAfterDeactivation.countDown();
                    }
                    if (++n == 20) {
                        warm.countDown();
                    }
                }
                return null;
            }));
        }
        assertThat(warm.await(60, TimeUnit.SECONDS)).isTrue();
        long deactivationCalledAt = System.nanoTime();
        client.stub().setActive(SetActiveRequest.newBuilder().setActive(false).build());
        long deactivatedAt = System.nanoTime();
        deactivated.set(deactivatedAt);
        // Keep calling until the callers have seen the deactivated expert answer a few times each.
        assertThat(answeredAfterDeactivation.await(60, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        for (Future<?> f : callers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        client.stub().setActive(SetActiveRequest.newBuilder().setActive(true).build());

        long okBefore = calls.stream().filter(c -> c.code() == Status.Code.OK && c.endedAt() < deactivatedAt).count();
        long okStartedAfter = calls.stream().filter(c -> c.code() == Status.Code.OK && c.startedAt() > deactivatedAt).count();
        long refusedAfter = calls.stream()
                .filter(c -> c.code() == Status.Code.FAILED_PRECONDITION && c.startedAt() > deactivatedAt).count();
        long refusedBefore = calls.stream()
                .filter(c -> c.code() == Status.Code.FAILED_PRECONDITION && c.endedAt() < deactivationCalledAt).count();
        List<Call> other = calls.stream()
                .filter(c -> c.code() != Status.Code.OK && c.code() != Status.Code.FAILED_PRECONDITION).toList();
        assertThat(okBefore).as("round %d: successful calls before deactivation", round).isGreaterThan(0);
        assertThat(okStartedAfter).as("round %d: successes of calls started after SetActive(false) returned", round)
                .isZero();
        assertThat(refusedAfter).as("round %d: refusals after deactivation", round).isGreaterThan(0);
        assertThat(refusedBefore).as("round %d: refusals before deactivation was asked for", round).isZero();
        assertThat(other).as("round %d: calls that failed otherwise", round).isEmpty();
    }
}
