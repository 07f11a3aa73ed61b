package dev.flexserve.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The transport's floor: a plain unary gRPC ping-pong between this JVM and a second one (grpc-java on Netty, no
 * Quarkus, no ONNX Runtime, no protobuf), with payloads of the size of a Forward request and response. The server
 * echoes the bytes it receives. {@link #main} is the server: it prints its port and serves until its input closes.
 */
final class GrpcFloor implements AutoCloseable {
    /** The same method name as the expert's Forward, carrying raw bytes. */
    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("flexserve.bench.Floor/Echo")
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

    private final Process server;
    private final ManagedChannel channel;

    private GrpcFloor(Process server, int port) {
        this.server = server;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(256 << 20).build();
    }

    /** Starts the echo server in its own JVM with {@code jvmOptions} and connects to it. */
    static GrpcFloor start(List<String> jvmOptions) throws IOException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GrpcFloor.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            p.destroyForcibly();
            throw new IOException("the gRPC floor server did not start");
        }
        return new GrpcFloor(p, Integer.parseInt(line.trim()));
    }

    /** Round-trip times of {@code calls} sequential calls with {@code bytes} each way, after {@code warmup} calls. */
    long[] pingPong(int bytes, int warmup, int calls) {
        byte[] payload = new byte[bytes];
        Arrays.fill(payload, (byte) 7);
        long[] times = new long[calls];
        for (int i = -warmup; i < calls; i++) {
            long start = System.nanoTime();
            byte[] answer = ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), payload);
            long elapsed = System.nanoTime() - start;
            if (answer.length != bytes) {
                throw new IllegalStateException("echo returned " + answer.length + " bytes for " + bytes);
            }
            if (i >= 0) {
                times[i] = elapsed;
            }
        }
        Arrays.sort(times);
        return times;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder("flexserve.bench.Floor")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                })).build();
        Server server = ServerBuilder.forPort(0).addService(service).maxInboundMessageSize(256 << 20).build().start();
        System.out.println(server.getPort());
        System.out.flush();
        // Serves until the benchmark closes our input (or ends).
        while (System.in.read() >= 0) {
            // nothing to read
        }
        server.shutdownNow();
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
