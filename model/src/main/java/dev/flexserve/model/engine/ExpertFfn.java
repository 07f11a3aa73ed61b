package dev.flexserve.model.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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

    /**
     * Starts {@link #forward} without blocking the caller. In-process experts run on {@code executor}; a remote
     * expert overrides this to complete on its transport's own threads, so a layer's calls cost no thread each.
     */
    default CompletableFuture<float[]> forwardAsync(int layer, float[] rows, int count, Executor executor) {
        return CompletableFuture.supplyAsync(() -> forward(layer, rows, count), executor);
    }

    @Override
    default void close() {
    }
}
