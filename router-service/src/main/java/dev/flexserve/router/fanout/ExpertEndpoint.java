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
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The router's connection to one expert's expert-service replicas (round robin over {@code host:port} endpoints).
 * As an {@link ExpertFfn} it sends one layer's rows per call, float32 on the wire, with a deadline; every failure
 * becomes an {@link ExpertCallException}, which makes the engine drop the expert for the sequences it served.
 */
public final class ExpertEndpoint implements ExpertFfn {
    static final int MAX_MESSAGE_BYTES = 256 << 20;
    private final String expertId;
    private final String owner;
    private final int width;
    private final Duration timeout;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<ExpertServiceGrpc.ExpertServiceBlockingStub> stubs = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final MeterRegistry metrics;

    public ExpertEndpoint(String expertId, String owner, List<String> endpoints, int width, Duration timeout, MeterRegistry metrics) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("expert " + expertId + " needs at least one endpoint");
        }
        this.expertId = expertId;
        this.owner = owner;
        this.width = width;
        this.timeout = timeout;
        this.metrics = metrics;
        for (String target : endpoints) {
            // A prefill routes up to a whole prompt's rows to one expert: allow replies far above gRPC's 4 MB default.
            ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext()
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES).build();
            channels.add(channel);
            stubs.add(ExpertServiceGrpc.newBlockingStub(channel));
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
        ByteBuffer payload = ByteBuffer.allocate(rows.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        payload.asFloatBuffer().put(rows);
        ForwardRequest request = ForwardRequest.newBuilder()
                .setExpertId(expertId).setLayer(layer).setRows(count).setWidth(width).setDtype(DType.DTYPE_FLOAT32)
                .setData(UnsafeByteOperations.unsafeWrap(payload.array()))
                .build();
        try {
            ForwardResponse response = stub().withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS).forward(request);
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
        } catch (StatusRuntimeException e) {
            count(e.getStatus().getCode().name().toLowerCase());
            throw new ExpertCallException("expert " + expertId + ": " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")"), e);
        }
    }

    /** Asks every replica to activate or deactivate; returns how many confirmed. */
    public int setActive(boolean active) {
        int confirmed = 0;
        for (ExpertServiceGrpc.ExpertServiceBlockingStub s : stubs) {
            try {
                ExpertDescription d = s.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                        .setActive(SetActiveRequest.newBuilder().setActive(active).build());
                if (d.getActive() == active) {
                    confirmed++;
                }
            } catch (StatusRuntimeException e) {
                // An unreachable replica serves nobody; the router has already stopped routing to it.
            }
        }
        return confirmed;
    }

    /** What the first reachable replica serves. */
    public ExpertDescription describe() {
        StatusRuntimeException last = null;
        for (ExpertServiceGrpc.ExpertServiceBlockingStub s : stubs) {
            try {
                return s.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS).describe(DescribeRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                last = e;
            }
        }
        throw new ExpertCallException("expert " + expertId + " is unreachable: " + last.getStatus(), last);
    }

    private ExpertServiceGrpc.ExpertServiceBlockingStub stub() {
        return stubs.get(Math.floorMod(next.getAndIncrement(), stubs.size()));
    }

    private void count(String outcome) {
        metrics.counter("flexserve_expert_requests_total", "expert", expertId, "owner", owner, "outcome", outcome).increment();
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
