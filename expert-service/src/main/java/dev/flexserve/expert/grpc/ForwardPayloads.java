package dev.flexserve.expert.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.flexserve.expert.v1.DType;
import dev.flexserve.expert.v1.ForwardRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks a {@link ForwardRequest} against the expert this process serves and converts payloads between the wire's
 * little-endian float32 bytes and {@code float[]}.
 */
final class ForwardPayloads {
    private ForwardPayloads() {
    }

    /**
     * The request's rows, row-major.
     *
     * @throws StatusRuntimeException {@code INVALID_ARGUMENT} for a wrong expert id, layer, width, row count or
     *                                payload size; {@code UNIMPLEMENTED} for the reserved dtypes FLOAT16 and BFLOAT16
     */
    static float[] decode(ForwardRequest request, String expertId, int numLayers, int hiddenSize) {
        if (!request.getExpertId().equals(expertId)) {
            throw invalid("request for expert '" + request.getExpertId() + "' reached expert '" + expertId
                    + "', which serves only '" + expertId + "'");
        }
        long layer = Integer.toUnsignedLong(request.getLayer());
        if (layer >= numLayers) {
            throw invalid("layer " + layer + " is out of range: expert " + expertId + " has layers 0.." + (numLayers - 1));
        }
        DType dtype = request.getDtype();
        if (dtype == DType.DTYPE_FLOAT16 || dtype == DType.DTYPE_BFLOAT16) {
            throw Status.UNIMPLEMENTED.withDescription("dtype " + dtype.name() + " is reserved and not implemented; send "
                    + DType.DTYPE_FLOAT32.name()).asRuntimeException();
        }
        if (dtype != DType.DTYPE_FLOAT32) {
            throw invalid("dtype value " + request.getDtypeValue() + " is unknown; send " + DType.DTYPE_FLOAT32.name());
        }
        long width = Integer.toUnsignedLong(request.getWidth());
        if (width != hiddenSize) {
            throw invalid("width " + width + " does not match hidden_size " + hiddenSize + " of expert " + expertId);
        }
        long rows = Integer.toUnsignedLong(request.getRows());
        if (rows < 1) {
            throw invalid("rows must be at least 1, got " + rows);
        }
        long expected = rows * width * Float.BYTES;
        int size = request.getData().size();
        if (size != expected) {
            throw invalid("data has " + size + " bytes, expected rows x width x 4 = " + rows + " x " + width + " x 4 = "
                    + expected + " (little-endian float32)");
        }
        float[] values = new float[(int) (rows * width)];
        request.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** {@code values} as little-endian float32 bytes. */
    static ByteString encode(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return UnsafeByteOperations.unsafeWrap(bytes.array());
    }

    static StatusRuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }
}
