package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The public model's auxiliary objective that makes its router inputs say what the text is about: at every
 * {@code stride}-th position of a window, each layer's router input {@code h} is mapped by {@code P_l [d, k]} to a
 * k-dimensional summary, and a softmax over the vocabulary ({@code U [k, V]}, shared by the layers) predicts the token
 * distribution of the whole window from it (a bag-of-words, topic-model loss). A causal model can only meet it by
 * summarising the context it has read, so the summary {@code P_l h} separates kinds of text where a single token's
 * state does not (docs/quality.md). It needs nothing but public text; {@code P_l} is published with the trunk as the
 * space in which owners place their domains.
 */
public final class ContextSummary implements Trainer.AuxiliaryLoss {
    static final String PROJECTION = "summary.projection.";
    static final String OUTPUT = "summary.output";

    private final TorchFlexOlmo model;
    private final int dims;
    private final int stride;
    private final double weight;

    public ContextSummary(TorchFlexOlmo model, int dims, int stride, double weight, long seed) {
        this.model = model;
        this.dims = dims;
        this.stride = stride;
        this.weight = weight;
        int d = model.config().hiddenSize();
        int v = model.config().vocabSize();
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EED5EEDL);
        for (int l = 0; l < model.config().numHiddenLayers(); l++) {
            model.addAuxiliary(PROJECTION + l, Architecture.gaussian(rnd, d * dims, 1.0 / Math.sqrt(d)), d, dims);
        }
        model.addAuxiliary(OUTPUT, Architecture.gaussian(rnd, dims * v, 1.0 / Math.sqrt(dims)), dims, v);
    }

    /** The names of its parameters in the model (to make them trainable). */
    public static List<String> names(TorchFlexOlmo model) {
        List<String> n = new java.util.ArrayList<>();
        for (int l = 0; l < model.config().numHiddenLayers(); l++) {
            n.add(TorchFlexOlmo.AUXILIARY + PROJECTION + l);
        }
        n.add(TorchFlexOlmo.AUXILIARY + OUTPUT);
        return n;
    }

    /** {@code P_l} as trained, {@code [d, k]} row-major. */
    public float[] projection(int layer) {
        return model.values(TorchFlexOlmo.AUXILIARY + PROJECTION + layer);
    }

    public int dims() {
        return dims;
    }

    @Override
    public NDArray loss(NDManager step, List<NDArray> routerInputs, long[] inputs, int batch, int length) {
        int v = model.config().vocabSize();
        float[] bag = new float[batch * v];
        for (int r = 0; r < batch; r++) {
            for (int t = 0; t < length; t++) {
                bag[r * v + (int) inputs[r * length + t]] += 1f / length;
            }
        }
        NDArray target = step.create(bag, new Shape(batch, 1, v));
        NDIndex positions = new NDIndex(":, " + (stride - 1) + "::" + stride + ", :");
        NDArray total = null;
        for (int l = 0; l < routerInputs.size(); l++) {
            NDArray z = routerInputs.get(l).get(positions).matMul(model.param(TorchFlexOlmo.AUXILIARY + PROJECTION + l));
            NDArray logp = z.matMul(model.param(TorchFlexOlmo.AUXILIARY + OUTPUT)).logSoftmax(2);
            NDArray layerLoss = logp.mul(target).sum(new int[]{2}).mean().neg();
            total = total == null ? layerLoss : total.add(layerLoss);
        }
        return total.mul(step.create((float) (weight / routerInputs.size())));
    }
}
