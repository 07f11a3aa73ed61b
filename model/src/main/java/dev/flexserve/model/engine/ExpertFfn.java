package dev.flexserve.model.engine;

/**
 * One expert's feed-forward network, wherever it runs: in this process on ONNX Runtime, or behind the network
 * in an expert-service. The engine only ever calls experts through this interface.
 */
public interface ExpertFfn extends AutoCloseable {

    /**
     * Applies the expert's FFN of {@code layer} to {@code count} rows of width d.
     *
     * @param rows row-major {@code [count, d]}; the callee must not keep or modify it
     * @return row-major {@code [count, d]}
     */
    float[] forward(int layer, float[] rows, int count);

    @Override
    default void close() {
    }
}
