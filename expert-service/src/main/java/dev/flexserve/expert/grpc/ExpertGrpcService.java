package dev.flexserve.expert.grpc;

import dev.flexserve.expert.serving.ActivationException;
import dev.flexserve.expert.serving.ExpertInactiveException;
import dev.flexserve.expert.serving.ExpertMetrics;
import dev.flexserve.expert.serving.ExpertMetrics.Outcome;
import dev.flexserve.expert.serving.ExpertRuntime;
import dev.flexserve.expert.serving.ExpertState;
import dev.flexserve.expert.v1.CallError;
import dev.flexserve.expert.v1.DType;
import dev.flexserve.expert.v1.DescribeRequest;
import dev.flexserve.expert.v1.ExpertDescription;
import dev.flexserve.expert.v1.ExpertServiceGrpc;
import dev.flexserve.expert.v1.ForwardReply;
import dev.flexserve.expert.v1.ForwardRequest;
import dev.flexserve.expert.v1.ForwardResponse;
import dev.flexserve.expert.v1.SetActiveRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Timer;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import org.jboss.logging.Logger;

/**
 * {@code flexserve.expert.v1.ExpertService} (proto/expert.proto), served on the HTTP port.
 *
 * <p>Forward and ForwardStream run on the event loop that received them: a call is short CPU work (one layer of one
 * FFN for the rows of one engine step), the router waits for it before its next layer, and a hand-off to a worker
 * thread and back costs more than the inference itself for small experts on a busy machine (measured in
 * docs/benchmarks.md). On a stream, calls are answered in the order they arrive. Describe and SetActive run on worker
 * threads ({@link Blocking}): activation verifies files and creates sessions.
 */
@GrpcService
public class ExpertGrpcService extends ExpertServiceGrpc.ExpertServiceImplBase {
    private static final Logger LOG = Logger.getLogger(ExpertGrpcService.class);

    private final ExpertRuntime runtime;
    private final ExpertMetrics metrics;

    public ExpertGrpcService(ExpertRuntime runtime, ExpertMetrics metrics) {
        this.runtime = runtime;
        this.metrics = metrics;
    }

    @Override
    public void forward(ForwardRequest request, StreamObserver<ForwardResponse> responseObserver) {
        ForwardResponse response;
        try {
            response = forward(request);
        } catch (StatusRuntimeException e) {
            responseObserver.onError(e);
            return;
        }
        responseObserver.onNext(response);
        responseObserver.onCompleted();
    }

    /** Each request answered in order; a refused call gets its status in-band and the stream stays open. */
    @Override
    public StreamObserver<ForwardRequest> forwardStream(StreamObserver<ForwardReply> replies) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ForwardRequest request) {
                ForwardReply reply;
                try {
                    reply = ForwardReply.newBuilder().setResponse(forward(request)).build();
                } catch (StatusRuntimeException e) {
                    Status s = e.getStatus();
                    reply = ForwardReply.newBuilder().setError(CallError.newBuilder().setCode(s.getCode().value())
                            .setDescription(s.getDescription() == null ? "" : s.getDescription())).build();
                }
                replies.onNext(reply);
            }

            @Override
            public void onError(Throwable t) {
                // The router went away or cancelled the stream: nothing is waiting for an answer.
            }

            @Override
            public void onCompleted() {
                replies.onCompleted();
            }
        };
    }

    private ForwardResponse forward(ForwardRequest request) {
        float[] rows;
        try {
            rows = ForwardPayloads.decode(request, runtime.id(), runtime.numLayers(), runtime.hiddenSize());
        } catch (StatusRuntimeException e) {
            metrics.count(Outcome.INVALID);
            throw e;
        }
        int count = request.getRows();
        float[] out;
        Timer.Sample sample = Timer.start();
        try {
            out = runtime.forward(request.getLayer(), rows, count);
        } catch (ExpertInactiveException e) {
            metrics.count(Outcome.REFUSED_INACTIVE);
            throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        } catch (RuntimeException e) {
            metrics.count(Outcome.ERROR);
            LOG.warnf(e, "expert %s layer %d failed on %d rows", runtime.id(), request.getLayer(), count);
            throw Status.INTERNAL.withDescription("expert " + runtime.id() + " layer " + request.getLayer() + " failed: "
                    + e.getMessage()).withCause(e).asRuntimeException();
        }
        sample.stop(metrics.inference());
        metrics.count(Outcome.OK);
        metrics.rows(count);
        return ForwardResponse.newBuilder()
                .setRows(count)
                .setWidth(runtime.hiddenSize())
                .setDtype(DType.DTYPE_FLOAT32)
                .setData(ForwardPayloads.encode(out))
                .build();
    }

    @Override
    @Blocking
    public void describe(DescribeRequest request, StreamObserver<ExpertDescription> responseObserver) {
        responseObserver.onNext(toProto(runtime.describe()));
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void setActive(SetActiveRequest request, StreamObserver<ExpertDescription> responseObserver) {
        ExpertState state;
        try {
            state = request.getActive() ? runtime.activate() : runtime.deactivate();
        } catch (ActivationException e) {
            responseObserver.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        responseObserver.onNext(toProto(state));
        responseObserver.onCompleted();
    }

    static ExpertDescription toProto(ExpertState s) {
        ExpertDescription.Builder b = ExpertDescription.newBuilder()
                .setExpertId(s.expertId())
                .setPackageHash(s.packageHash())
                .setBaseHash(s.baseHash())
                .setHiddenSize(s.hiddenSize())
                .setNumLayers(s.numLayers())
                .setActive(s.active())
                .setForwardCalls(s.forwardCalls());
        if (s.owner() != null) {
            b.setOwner(s.owner());
        }
        return b.build();
    }
}
