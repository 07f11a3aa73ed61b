package dev.flexserve.expert.testing;

import com.google.protobuf.ByteString;
import dev.flexserve.expert.v1.DType;
import dev.flexserve.expert.v1.ExpertServiceGrpc;
import dev.flexserve.expert.v1.ForwardReply;
import dev.flexserve.expert.v1.ForwardRequest;
import dev.flexserve.expert.v1.ForwardResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC client of the expert-service: the generated blocking stub over a plaintext channel, sending the
 * platform's internal credential (or another {@code authorization} value, to test refusals) as the router does.
 */
public final class ExpertClient implements AutoCloseable {
    public static final int MAX_MESSAGE = 64 * 1024 * 1024;
    /** {@code %test.flexserve.internal.secret} in application.properties. */
    public static final String SECRET = "expert-test-internal-secret-0123456789";
    public static final String CREDENTIAL = "Bearer " + SECRET;

    private final ManagedChannel channel;
    private final ExpertServiceGrpc.ExpertServiceBlockingStub stub;

    public ExpertClient(int port) {
        this(port, CREDENTIAL);
    }

    /** @param authorization the {@code authorization} metadata to send; null sends none */
    public ExpertClient(int port, String authorization) {
        ManagedChannelBuilder<?> builder = ManagedChannelBuilder.forAddress("localhost", port)
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE);
        if (authorization != null) {
            Metadata m = new Metadata();
            m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(m));
        }
        channel = builder.build();
        stub = ExpertServiceGrpc.newBlockingStub(channel);
    }

    /** The blocking stub with a fresh 60 s deadline (a deadline is absolute, so take one per call). */
    public ExpertServiceGrpc.ExpertServiceBlockingStub stub() {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** Opens a ForwardStream; its replies go to {@code replies}. */
    public StreamObserver<ForwardRequest> stream(StreamObserver<ForwardReply> replies) {
        return ExpertServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).forwardStream(replies);
    }

    public static ForwardRequest request(String expert, int layer, int rows, int width, float[] values) {
        return ForwardRequest.newBuilder()
                .setExpertId(expert)
                .setLayer(layer)
                .setRows(rows)
                .setWidth(width)
                .setDtype(DType.DTYPE_FLOAT32)
                .setData(encode(values))
                .build();
    }

    public static ByteString encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return ByteString.copyFrom(b.array());
    }

    public static float[] decode(ForwardResponse response) {
        float[] out = new float[response.getData().size() / 4];
        response.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    public static float[] randomRows(long seed, int rows, int width) {
        Random r = new Random(seed);
        float[] v = new float[rows * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
