package dev.flexserve.model.engine;

import java.util.concurrent.CompletableFuture;

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

    /** Whether a call leaves this process (and so can overlap with work done meanwhile on the caller's thread). */
    default boolean remote() {
        return false;
    }

    /**
     * Starts {@link #forward}. An in-process expert computes on the caller's thread (a hand-off to another thread
     * and back costs more than a small FFN); a remote expert overrides this to return at once and complete on its
     * transport's thread, so a layer's remote calls are in flight together and hold no thread while they wait.
     */
    default CompletableFuture<float[]> forwardAsync(int layer, float[] rows, int count) {
        try {
            return CompletableFuture.completedFuture(forward(layer, rows, count));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    default void close() {
    }
}
