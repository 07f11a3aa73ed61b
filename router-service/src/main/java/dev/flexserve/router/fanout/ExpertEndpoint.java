package dev.flexserve.router.fanout;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.flexserve.expert.v1.DType;
import dev.flexserve.expert.v1.DescribeRequest;
import dev.flexserve.expert.v1.ExpertDescription;
import dev.flexserve.expert.v1.ExpertServiceGrpc;
import dev.flexserve.expert.v1.ForwardRequest;
import dev.flexserve.expert.v1.ForwardResponse;
import dev.flexserve.expert.v1.SetActiveRequest;
import dev.flexserve.model.engine.ExpertFfn;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The router's connection to one expert's expert-service replicas (round robin over {@code host:port} endpoints).
 * As an {@link ExpertFfn} it sends one layer's rows per call, float32 on the wire, with a deadline, on one long-lived
 * {@link ForwardStream} per replica; every failure becomes an {@link ExpertCallException}, which makes the engine
 * drop the expert for the sequences it served. Every stream and control call carries the platform's internal
 * credential ({@code authorization} metadata): expert-services refuse calls without it. Created and closed by
 * {@link Fanout}, whose event loop carries its I/O.
 */
public final class ExpertEndpoint implements ExpertFfn {
    static final int MAX_MESSAGE_BYTES = 256 << 20;
    private final String expertId;
    private final String owner;
    private final int width;
    private final Duration timeout;
    private final List<String> targets;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<ExpertServiceGrpc.ExpertServiceBlockingStub> stubs = new ArrayList<>();
    private final List<ForwardStream> streams = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final MeterRegistry metrics;
    private final Timer callTime;

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * @param authorization the {@code Authorization} value of the platform's internal credential
     * @param eventLoop     the event loop group that carries the connections' I/O (the fan-out's)
     */
    ExpertEndpoint(String expertId, String owner, List<String> endpoints, int width, Duration timeout, String authorization,
                   MeterRegistry metrics, EventLoopGroup eventLoop) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("expert " + expertId + " needs at least one endpoint");
        }
        this.expertId = expertId;
        this.owner = owner;
        this.width = width;
        this.timeout = timeout;
        this.metrics = metrics;
        this.targets = List.copyOf(endpoints);
        // A histogram, so that benchmarks can read percentiles of the calls they caused (differences of two scrapes).
        this.callTime = Timer.builder("flexserve.expert.call").description("Forward calls as the router sees them: RPC plus the expert's work")
                .tag("expert", expertId).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10)).register(metrics);
        Metadata credential = new Metadata();
        credential.put(AUTHORIZATION, authorization);
        for (String target : endpoints) {
            // A prefill routes up to a whole prompt's rows to one expert: allow replies far above gRPC's 4 MB default.
            // Completions only hand a result to a waiting future, so they run on the transport's thread (no hop).
            ManagedChannel channel = NettyChannelBuilder.forTarget(target).eventLoopGroup(eventLoop).channelType(NioSocketChannel.class)
                    .usePlaintext().directExecutor().maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .intercept(MetadataUtils.newAttachHeadersInterceptor(credential)).build();
            channels.add(channel);
            stubs.add(ExpertServiceGrpc.newBlockingStub(channel));
            streams.add(new ForwardStream(channel));
        }
    }

    /** Parses {@code "host:port,host:port"}, refusing anything else. */
    public static List<String> parse(String endpoints) {
        List<String> out = new ArrayList<>();
        for (String e : endpoints.split(",")) {
            String t = e.trim();
            if (!t.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
                throw new IllegalArgumentException("endpoint '" + t + "' is not host:port");
            }
            out.add(t);
        }
        return out;
    }

    @Override
    public float[] forward(int layer, float[] rows, int count) {
        try {
            return forwardAsync(layer, rows, count).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public boolean remote() {
        return true;
    }

    /** The call completes on the transport's thread: a layer's concurrent calls hold no thread while they wait. */
    @Override
    public CompletableFuture<float[]> forwardAsync(int layer, float[] rows, int count) {
        ByteBuffer payload = ByteBuffer.allocate(rows.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        payload.asFloatBuffer().put(rows);
        ForwardRequest request = ForwardRequest.newBuilder()
                .setExpertId(expertId).setLayer(layer).setRows(count).setWidth(width).setDtype(DType.DTYPE_FLOAT32)
                .setData(UnsafeByteOperations.unsafeWrap(payload.array()))
                .build();
        int replica = Math.floorMod(next.getAndIncrement(), stubs.size());
        Timer.Sample sample = Timer.start();
        return send(replica, request).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                Status status = Status.fromThrowable(cause);
                count(status.getCode().name().toLowerCase());
                throw new ExpertCallException("expert " + expertId + ": " + status.getCode()
                        + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"), cause);
            }
            sample.stop(callTime);
            ByteString data = response.getData();
            if (response.getDtype() != DType.DTYPE_FLOAT32 || data.size() != rows.length * Float.BYTES) {
                count("malformed");
                throw new ExpertCallException("expert " + expertId + " answered " + data.size() + " bytes of "
                        + response.getDtype() + " for " + count + " rows of " + width, null);
            }
            float[] out = new float[rows.length];
            data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            count("ok");
            return out;
        });
    }

    /**
     * One Forward with a deadline. A call that fails UNAVAILABLE (the connection broke or was refused) is tried once
     * more on a fresh connection: Forward is a pure function, so a repeat is harmless, and an expert-service that was
     * restarted should not cost sequences their expert or wait out gRPC's reconnect backoff (up to two minutes). A
     * dead process still fails fast: the new connection is refused.
     */
    private CompletableFuture<ForwardResponse> send(int replica, ForwardRequest request) {
        return start(replica, request).exceptionallyCompose(failure -> {
            if (Status.fromThrowable(failure).getCode() != Status.Code.UNAVAILABLE) {
                return CompletableFuture.failedFuture(failure);
            }
            count("retried");
            channels.get(replica).enterIdle();
            return start(replica, request);
        });
    }

    private CompletableFuture<ForwardResponse> start(int replica, ForwardRequest request) {
        return streams.get(replica).call(request);
    }

    /** Fails the calls that have waited longer than the expert timeout (the fan-out's sweeper calls this). */
    void expireLateCalls() {
        streams.forEach(s -> s.expire(timeout.toNanos()));
    }

    /** A control call (describe, activate) with one repeat on a fresh connection after UNAVAILABLE, as for Forward. */
    private <T> T withReconnect(int replica, Function<ExpertServiceGrpc.ExpertServiceBlockingStub, T> rpc) {
        try {
            return rpc.apply(stubs.get(replica).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                throw e;
            }
            channels.get(replica).enterIdle();
            return rpc.apply(stubs.get(replica).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    /** How many replicas confirmed a {@link #setActive} request, and why the others did not. */
    public record Confirmation(int confirmed, List<String> failures) {
    }

    /** Asks every replica to activate or deactivate. */
    public Confirmation setActive(boolean active) {
        int confirmed = 0;
        List<String> failures = new ArrayList<>();
        for (int replica = 0; replica < stubs.size(); replica++) {
            try {
                ExpertDescription d = withReconnect(replica, s -> s.setActive(SetActiveRequest.newBuilder().setActive(active).build()));
                if (d.getActive() == active) {
                    confirmed++;
                } else {
                    failures.add(targets.get(replica) + ": still " + (d.getActive() ? "active" : "inactive"));
                }
            } catch (StatusRuntimeException e) {
                // An unreachable replica serves nobody; when deactivating, the router has already stopped routing to it.
                failures.add(targets.get(replica) + ": " + e.getStatus().getCode()
                        + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")"));
            }
        }
        return new Confirmation(confirmed, failures);
    }

    /** What the first reachable replica serves. */
    public ExpertDescription describe() {
        StatusRuntimeException last = null;
        for (int replica = 0; replica < stubs.size(); replica++) {
            try {
                return withReconnect(replica, s -> s.describe(DescribeRequest.getDefaultInstance()));
            } catch (StatusRuntimeException e) {
                last = e;
            }
        }
        throw new ExpertCallException("expert " + expertId + " is unreachable: " + last.getStatus(), last);
    }

    private void count(String outcome) {
        metrics.counter("flexserve_expert_requests_total", "expert", expertId, "owner", owner, "outcome", outcome).increment();
    }

    /** Called by {@link Fanout}, which opened this endpoint; the engine never closes an expert it did not open. */
    @Override
    public void close() {
        streams.forEach(ForwardStream::close);
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
