package dev.flexserve.ownerkit.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.flexserve.ownerkit.training.TorchFlexOlmo;
import dev.flexserve.ownerkit.training.TrainingData;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a collection of documents sits in the trunk's own space: per layer, the mean router input (the residual
 * stream after attention) of the public model over a seeded sample of windows of the documents. Computed where the
 * documents are (the owner's machine); only the means leave it, inside the router rows.
 */
public final class TrunkCentroids {
    private static final int BATCH = 16;

    /** Receives one batch of a layer's router inputs, {@code [n, d]} row-major. */
    public interface Visitor {
        void accept(int layer, float[] rows, int n);
    }

    private TrunkCentroids() {
    }

    /** Per layer, the mean router input over {@code windows} windows of {@code length} tokens ({@code seed}). */
    public static float[][] of(TorchFlexOlmo model, TrainingData data, int windows, int length, long seed) {
        int d = model.config().hiddenSize();
        float[][] sum = new float[model.config().numHiddenLayers()][d];
        long[] count = new long[sum.length];
        visit(model, data, windows, length, seed, (layer, rows, n) -> {
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < d; i++) {
                    sum[layer][i] += rows[r * d + i];
                }
            }
            count[layer] += n;
        });
        for (int l = 0; l < sum.length; l++) {
            for (int i = 0; i < d; i++) {
                sum[l][i] /= count[l];
            }
        }
        return sum;
    }

    /** Runs the model over the sampled windows and hands every layer's router inputs to {@code visitor}. */
    public static void visit(TorchFlexOlmo model, TrainingData data, int windows, int length, long seed, Visitor visitor) {
        long[] win = data.batch(seed, 0, windows, length);
        for (int b = 0; b < windows; b += BATCH) {
            int n = Math.min(BATCH, windows - b);
            long[] tokens = new long[n * length];
            for (int r = 0; r < n; r++) {
                System.arraycopy(win, (b + r) * (length + 1), tokens, r * length, length);
            }
            try (NDManager step = model.manager().newSubManager()) {
                List<NDArray> inputs = new ArrayList<>();
                model.forward(step, tokens, n, length, null, inputs);
                for (int l = 0; l < inputs.size(); l++) {
                    visitor.accept(l, inputs.get(l).toFloatArray(), n * length);
                }
            }
        }
    }
}
