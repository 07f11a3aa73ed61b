package dev.flexserve.expert.grpc;

import static dev.flexserve.expert.testing.ExpertClient.decode;
import static dev.flexserve.expert.testing.ExpertClient.randomRows;
import static dev.flexserve.expert.testing.ExpertClient.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.is;

import com.google.protobuf.ByteString;
import dev.flexserve.expert.testing.DemoPackagesResource;
import dev.flexserve.expert.testing.ExpertClient;
import dev.flexserve.expert.v1.DType;
import dev.flexserve.expert.v1.DescribeRequest;
import dev.flexserve.expert.v1.ExpertDescription;
import dev.flexserve.expert.v1.ForwardReply;
import dev.flexserve.expert.v1.ForwardRequest;
import dev.flexserve.expert.v1.ForwardResponse;
import dev.flexserve.expert.v1.SetActiveRequest;
import dev.flexserve.model.engine.OnnxExpertFfn;
import dev.flexserve.model.packages.ExpertPackage;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import io.grpc.stub.StreamObserver;

/** The gRPC contract of proto/expert.proto, end to end over a real channel to the test port. */
@QuarkusTest
@WithTestResource(DemoPackagesResource.class)
class ExpertGrpcTest {
    static final String EXPERT = DemoPackagesResource.EXPERT;
    static final int WIDTH = 64;
    static final int LAYERS = 4;

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "flexserve.expert.package")
    String packageDir;

    @ConfigProperty(name = "flexserve.expert.base-hash")
    String baseHash;

    ExpertClient client;

    @BeforeEach
    void connect() {
        client = new ExpertClient(base.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.stub().setActive(SetActiveRequest.newBuilder().setActive(true).build());
        client.close();
    }

    @Test
    void forwardEqualsTheInProcessOnnxFfnBitForBit() {
        ExpertPackage pkg = ExpertPackage.loadForServing(Path.of(packageDir), baseHash);
        try (OnnxExpertFfn local = new OnnxExpertFfn(pkg, WIDTH, 1)) {
            int[] batchSizes = {1, 3, 17};
            for (int layer = 0; layer < LAYERS; layer++) {
                for (int rows : batchSizes) {
                    float[] in = randomRows(31L * layer + rows, rows, WIDTH);
                    ForwardResponse response = client.stub().forward(request(EXPERT, layer, rows, WIDTH, in));
                    assertThat(response.getRows()).isEqualTo(rows);
                    assertThat(response.getWidth()).isEqualTo(WIDTH);
                    assertThat(response.getDtype()).isEqualTo(DType.DTYPE_FLOAT32);
                    float[] expected = local.forward(layer, in, rows);
                    float[] actual = decode(response);
                    assertThat(bits(actual)).as("layer %d, %d rows", layer, rows).isEqualTo(bits(expected));
                }
            }
        }
    }

    @Test
    void aStreamAnswersEveryCallInOrderAsForwardDoesAndStaysOpenAfterARefusal() throws Exception {
        LinkedBlockingQueue<ForwardReply> replies = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        StreamObserver<ForwardRequest> calls = client.stream(new StreamObserver<>() {
            @Override
            public void onNext(ForwardReply reply) {
                replies.add(reply);
            }

            @Override
            public void onError(Throwable t) {
                ended.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
        float[] first = randomRows(5, 3, WIDTH);
        float[] last = randomRows(6, 2, WIDTH);
        calls.onNext(request(EXPERT, 0, 3, WIDTH, first));
        calls.onNext(request(EXPERT, LAYERS, 1, WIDTH, randomRows(7, 1, WIDTH)));
        calls.onNext(request(EXPERT, 1, 2, WIDTH, last));
        calls.onCompleted();

        ForwardReply a = replies.poll(60, TimeUnit.SECONDS);
        ForwardReply refused = replies.poll(60, TimeUnit.SECONDS);
        ForwardReply b = replies.poll(60, TimeUnit.SECONDS);
        ended.get(60, TimeUnit.SECONDS);
        assertThat(bits(decode(a.getResponse()))).isEqualTo(bits(decode(client.stub().forward(request(EXPERT, 0, 3, WIDTH, first)))));
        assertThat(refused.hasError()).isTrue();
        assertThat(refused.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(refused.getError().getDescription()).contains("layer " + LAYERS + " is out of range");
        assertThat(bits(decode(b.getResponse()))).isEqualTo(bits(decode(client.stub().forward(request(EXPERT, 1, 2, WIDTH, last)))));
        assertThat(replies).isEmpty();
    }

    @Test
    void messagesLargerThanTheGrpcDefaultOf4MiBAreServed() {
        int rows = 20_000; // 5.1 MB each way
        float[] in = randomRows(7, rows, WIDTH);
        ForwardResponse response = client.stub().forward(request(EXPERT, 2, rows, WIDTH, in));
        assertThat(response.getRows()).isEqualTo(rows);
        assertThat(response.getData().size()).isEqualTo(rows * WIDTH * 4);
    }

    @Test
    void describeReportsThePackage() {
        ExpertPackage pkg = ExpertPackage.loadForServing(Path.of(packageDir), baseHash);
        ExpertDescription before = client.stub().describe(DescribeRequest.getDefaultInstance());
        assertThat(before.getExpertId()).isEqualTo(EXPERT);
        assertThat(before.getOwner()).isEqualTo(pkg.manifest().owner()).isEqualTo("demo-org-1");
        assertThat(before.getPackageHash()).isEqualTo(pkg.hash());
        assertThat(before.getBaseHash()).isEqualTo(baseHash);
        assertThat(before.getHiddenSize()).isEqualTo(WIDTH);
        assertThat(before.getNumLayers()).isEqualTo(LAYERS);
        assertThat(before.getActive()).isTrue();

        client.stub().forward(request(EXPERT, 0, 1, WIDTH, new float[WIDTH]));
        assertThatStatus(() -> client.stub().forward(request("expert-2", 0, 1, WIDTH, new float[WIDTH])),
                Status.Code.INVALID_ARGUMENT, "expert-2");
        ExpertDescription after = client.stub().describe(DescribeRequest.getDefaultInstance());
        assertThat(after.getForwardCalls()).as("counts successful calls only").isEqualTo(before.getForwardCalls() + 1);
    }

    @Test
    void wrongExpertIdNamesBothIds() {
        assertThatStatus(() -> client.stub().forward(request("expert-3", 0, 1, WIDTH, new float[WIDTH])),
                Status.Code.INVALID_ARGUMENT, "'expert-3'", "'" + EXPERT + "'");
    }

    @Test
    void layerOutOfRangeIsInvalid() {
        assertThatStatus(() -> client.stub().forward(request(EXPERT, LAYERS, 1, WIDTH, new float[WIDTH])),
                Status.Code.INVALID_ARGUMENT, "layer 4 is out of range", "0..3");
        assertThatStatus(() -> client.stub().forward(request(EXPERT, -1, 1, WIDTH, new float[WIDTH])),
                Status.Code.INVALID_ARGUMENT, "layer 4294967295 is out of range");
    }

    @Test
    void widthOtherThanHiddenSizeIsInvalid() {
        assertThatStatus(() -> client.stub().forward(request(EXPERT, 0, 2, 32, new float[WIDTH])),
                Status.Code.INVALID_ARGUMENT, "width 32 does not match hidden_size 64");
    }

    @Test
    void reservedDtypesAreUnimplementedAndUnknownOnesInvalid() {
        for (DType reserved : new DType[]{DType.DTYPE_FLOAT16, DType.DTYPE_BFLOAT16}) {
            ForwardRequest half = request(EXPERT, 0, 1, WIDTH, new float[WIDTH]).toBuilder()
                    .setDtype(reserved).setData(ByteString.copyFrom(new byte[WIDTH * 2])).build();
            assertThatStatus(() -> client.stub().forward(half), Status.Code.UNIMPLEMENTED, reserved.name(), "reserved");
        }
        ForwardRequest unknown = request(EXPERT, 0, 1, WIDTH, new float[WIDTH]).toBuilder().setDtypeValue(9).build();
        assertThatStatus(() -> client.stub().forward(unknown), Status.Code.INVALID_ARGUMENT, "dtype value 9 is unknown");
    }

    @Test
    void payloadSizeMustBeRowsTimesWidthTimesFour() {
        assertThatStatus(() -> client.stub().forward(request(EXPERT, 0, 2, WIDTH, new float[WIDTH])),
                Status.Code.INVALID_ARGUMENT, "data has 256 bytes, expected", "= 512");
        ForwardRequest odd = request(EXPERT, 0, 1, WIDTH, new float[WIDTH]).toBuilder()
                .setData(ByteString.copyFrom(new byte[WIDTH * 4 + 1])).build();
        assertThatStatus(() -> client.stub().forward(odd), Status.Code.INVALID_ARGUMENT, "data has 257 bytes");
    }

    @Test
    void zeroRowsAreInvalid() {
        assertThatStatus(() -> client.stub().forward(request(EXPERT, 0, 0, WIDTH, new float[0])),
                Status.Code.INVALID_ARGUMENT, "rows must be at least 1");
    }

    @Test
    void deactivatedExpertRefusesForwardAndIsNotReadyUntilActivatedAgain() {
        ExpertDescription off = client.stub().setActive(SetActiveRequest.newBuilder().setActive(false).build());
        assertThat(off.getActive()).isFalse();
        assertThat(client.stub().describe(DescribeRequest.getDefaultInstance()).getActive()).isFalse();
        assertThatStatus(() -> client.stub().forward(request(EXPERT, 1, 1, WIDTH, new float[WIDTH])),
                Status.Code.FAILED_PRECONDITION, "expert " + EXPERT + " is deactivated");
        given().when().get("/q/health/ready").then().statusCode(503).body("status", is("DOWN"))
                .body("checks.find { it.name == 'expert-service' }.data.reason", is("expert " + EXPERT + " is deactivated"));
        // deactivating twice is harmless
        assertThat(client.stub().setActive(SetActiveRequest.newBuilder().setActive(false).build()).getActive()).isFalse();

        ExpertDescription on = client.stub().setActive(SetActiveRequest.newBuilder().setActive(true).build());
        assertThat(on.getActive()).isTrue();
        float[] in = randomRows(5, 2, WIDTH);
        assertThat(decode(client.stub().forward(request(EXPERT, 1, 2, WIDTH, in)))).hasSize(2 * WIDTH);
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void activationReverifiesThePackageAndStaysInactiveWhenAFileChanged() throws Exception {
        Path graph = Path.of(packageDir, "layers", "ffn_2.onnx");
        byte[] original = Files.readAllBytes(graph);
        client.stub().setActive(SetActiveRequest.newBuilder().setActive(false).build());
        try {
            byte[] tampered = Arrays.copyOf(original, original.length);
            tampered[tampered.length - 1] ^= 0x01;
            Files.write(graph, tampered);
            assertThatStatus(() -> client.stub().setActive(SetActiveRequest.newBuilder().setActive(true).build()),
                    Status.Code.FAILED_PRECONDITION, "stays deactivated", "layers/ffn_2.onnx", "SHA-256");
            assertThat(client.stub().describe(DescribeRequest.getDefaultInstance()).getActive()).isFalse();
            given().header("Authorization", ExpertClient.CREDENTIAL).when().post("/admin/activate").then().statusCode(409)
                    .body("expert.active", is(false))
                    .body("error", org.hamcrest.Matchers.containsString("layers/ffn_2.onnx"));
            assertThatStatus(() -> client.stub().forward(request(EXPERT, 0, 1, WIDTH, new float[WIDTH])),
                    Status.Code.FAILED_PRECONDITION, "is deactivated");
        } finally {
            Files.write(graph, original);
        }
        assertThat(client.stub().setActive(SetActiveRequest.newBuilder().setActive(true).build()).getActive()).isTrue();
    }

    @Test
    void httpAdminEndpointsDeactivateAndActivate() {
        given().header("Authorization", ExpertClient.CREDENTIAL).when().post("/admin/deactivate").then().statusCode(200)
                .body("expert_id", is(EXPERT)).body("active", is(false));
        assertThatStatus(() -> client.stub().forward(request(EXPERT, 0, 1, WIDTH, new float[WIDTH])),
                Status.Code.FAILED_PRECONDITION, "is deactivated");
        given().header("Authorization", ExpertClient.CREDENTIAL).when().get("/admin/expert").then().statusCode(200).body("active", is(false));
        given().header("Authorization", ExpertClient.CREDENTIAL).when().post("/admin/activate").then().statusCode(200)
                .body("expert_id", is(EXPERT)).body("active", is(true)).body("owner", is("demo-org-1"));
        assertThat(client.stub().forward(request(EXPERT, 0, 1, WIDTH, new float[WIDTH])).getRows()).isEqualTo(1);
    }

    static void assertThatStatus(Runnable call, Status.Code code, String... descriptionParts) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).contains(descriptionParts);
                });
    }

    static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = Float.floatToRawIntBits(values[i]);
        }
        return b;
    }
}
