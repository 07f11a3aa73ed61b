package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.WeightSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.flexserve.model.weights.WeightNames.*;

/**
 * The FlexOlmo forward pass of DESIGN.md §1 in DJL + PyTorch, for training: post-norm, QK-norm over the full
 * projection width, RoPE (rotate-half), grouped-query attention, a mixture of SwiGLU experts with a softmax router
 * over all experts, top-k without renormalisation, an optional non-positive per-layer bias per non-public expert,
 * and an untied head. It computes the same function as the model library's ONNX graphs and engine
 * ({@code TorchEngineEquivalenceTest}).
 *
 * <p>Parameters are held under their Hugging Face names (so import and export need no renaming) but stored in
 * compute layout: every {@code nn.Linear} weight {@code [out, in]} is kept transposed as {@code [in, out]}, the router
 * as {@code [d, E]} and the head as {@code [d, V]}, so that every operation starts from a per-step array and its
 * result is owned by the step's manager (DJL attaches a result to the manager of the array an operation is
 * called on).
 *
 * <p>DJL pitfall (STACK.md): an operation with a Java scalar operand ({@code x.mul(0.5f)}) creates a temporary
 * native tensor over a Java buffer that the garbage collector may free between forward and backward. Every constant
 * here is an NDArray created in the step's manager and kept referenced until the step ends
 * ({@code DjlScalarPitfallTest}).
 */
public final class TorchFlexOlmo implements AutoCloseable {
    /** Non-HF name of the per-layer, per-expert router bias {@code [L, E]} (column 0, the public expert, stays 0). */
    public static final String ROUTER_BIAS = "flexserve.router_bias";

    private final FlexOlmoConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Set<String> trainable = new LinkedHashSet<>();
    private final boolean withBias;
    private final Map<Integer, NDArray[]> ropeTables = new LinkedHashMap<>();

    /**
     * Loads every tensor of {@code weights} (HF layout, {@code config.numExperts()} experts) into a new model.
     * {@code bias} is {@code [L][E]} or null for a model without router bias.
     */
    public TorchFlexOlmo(FlexOlmoConfig config, WeightSource weights, float[][] bias, NDManager parent) {
        this.config = config;
        this.manager = parent.newSubManager();
        int d = config.hiddenSize();
        int v = config.vocabSize();
        int f = config.intermediateSize();
        int e = config.numExperts();
        put(EMBED, weights.get(EMBED, v, d), v, d);
        put(FINAL_NORM, weights.get(FINAL_NORM, d), d);
        putTransposed(LM_HEAD, weights.get(LM_HEAD, v, d), v, d);
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            putTransposed(qProj(l), weights.get(qProj(l), config.queryWidth(), d), config.queryWidth(), d);
            putTransposed(kProj(l), weights.get(kProj(l), config.keyValueWidth(), d), config.keyValueWidth(), d);
            putTransposed(vProj(l), weights.get(vProj(l), config.keyValueWidth(), d), config.keyValueWidth(), d);
            putTransposed(oProj(l), weights.get(oProj(l), d, config.queryWidth()), d, config.queryWidth());
            put(qNorm(l), weights.get(qNorm(l), config.queryWidth()), config.queryWidth());
            put(kNorm(l), weights.get(kNorm(l), config.keyValueWidth()), config.keyValueWidth());
            put(postAttentionNorm(l), weights.get(postAttentionNorm(l), d), d);
            put(postFeedforwardNorm(l), weights.get(postFeedforwardNorm(l), d), d);
            putTransposed(router(l), weights.get(router(l), e, d), e, d);
            for (int x = 0; x < e; x++) {
                putTransposed(expertGate(l, x), weights.get(expertGate(l, x), f, d), f, d);
                putTransposed(expertUp(l, x), weights.get(expertUp(l, x), f, d), f, d);
                putTransposed(expertDown(l, x), weights.get(expertDown(l, x), d, f), d, f);
            }
        }
        this.withBias = bias != null;
        if (withBias) {
            float[] flat = new float[config.numHiddenLayers() * e];
            for (int l = 0; l < config.numHiddenLayers(); l++) {
                if (bias[l].length != e) {
                    throw new IllegalArgumentException("router bias needs " + e + " values per layer");
                }
                System.arraycopy(bias[l], 0, flat, l * e, e);
                flat[l * e] = 0f;
            }
            params.put(ROUTER_BIAS, manager.create(flat, new Shape(config.numHiddenLayers(), e)));
        }
    }

    public FlexOlmoConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /** Every parameter name, HF names first and {@link #ROUTER_BIAS} last when present. */
    public Set<String> names() {
        return params.keySet();
    }

    public NDArray param(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public boolean hasBias() {
        return withBias;
    }

    /** Marks exactly {@code names} as trainable; every other parameter is frozen (no gradient). */
    public void setTrainable(Collection<String> names) {
        for (String n : names) {
            param(n);
        }
        trainable.clear();
        trainable.addAll(names);
        for (Map.Entry<String, NDArray> p : params.entrySet()) {
            p.getValue().setRequiresGradient(trainable.contains(p.getKey()));
        }
    }

    public Set<String> trainable() {
        return trainable;
    }

    /** Every parameter name of the dense (one-expert) model or all experts: embeddings, attention, norms, head, FFNs. */
    public List<String> allNames() {
        return new ArrayList<>(params.keySet());
    }

    /** The names an anchor-trained expert owns: its FFN in every layer (expert {@code e}). */
    public List<String> expertFfnNames(int e) {
        List<String> n = new ArrayList<>();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            n.add(expertGate(l, e));
            n.add(expertUp(l, e));
            n.add(expertDown(l, e));
        }
        return n;
    }

    public List<String> routerNames() {
        List<String> n = new ArrayList<>();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            n.add(router(l));
        }
        return n;
    }

    /**
     * Logits {@code [B, T, V]} for token ids {@code [B, T]} (positions 0..T-1, no cache). With {@code routerLogits}
     * non-null, each layer's router logits {@code [B, T, E]} are added to it (for the z-loss).
     */
    public NDArray forward(NDManager step, long[] tokens, int batch, int length, List<NDArray> routerLogits) {
        return forward(step, tokens, batch, length, routerLogits, null);
    }

    /**
     * As {@link #forward(NDManager, long[], int, int, List)}; with {@code routerInputs} non-null, each layer's router
     * input (the residual stream after attention, {@code [B, T, d]}) is added to it.
     */
    public NDArray forward(NDManager step, long[] tokens, int batch, int length, List<NDArray> routerLogits,
                           List<NDArray> routerInputs) {
        Constants c = new Constants(step);
        int d = config.hiddenSize();
        NDArray ids = step.create(tokens, new Shape(batch, length));
        NDArray h = ids.getNDArrayInternal().embedding(ids, param(EMBED), SparseFormat.DENSE).singletonOrThrow();
        // Tables owned by the model's manager: used only as operands, so results stay in the step's manager.
        NDArray[] tables = tables(length);
        NDArray cos = tables[0];
        NDArray sin = tables[1];
        NDArray mask = tables[2];
        NDArray bias = withBias ? c.biasMask.mul(param(ROUTER_BIAS)) : null;
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            h = h.add(rmsNorm(attention(h, l, batch, length, cos, sin, mask, c), param(postAttentionNorm(l)), c));
            if (routerInputs != null) {
                routerInputs.add(h);
            }
            NDArray m = mixture(h, l, c, bias == null ? null : bias.get(l), routerLogits);
            h = h.add(rmsNorm(m, param(postFeedforwardNorm(l)), c));
        }
        return rmsNorm(h, param(FINAL_NORM), c).matMul(param(LM_HEAD));
    }

    private NDArray attention(NDArray h, int l, int b, int t, NDArray cos, NDArray sin, NDArray mask, Constants c) {
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int hd = config.headDim();
        int groups = heads / kvHeads;
        NDArray q = rmsNorm(h.matMul(param(qProj(l))), param(qNorm(l)), c);
        NDArray k = rmsNorm(h.matMul(param(kProj(l))), param(kNorm(l)), c);
        NDArray v = h.matMul(param(vProj(l)));
        q = ropeApply(q.reshape(b, t, heads, hd).transpose(0, 2, 1, 3), cos, sin);
        k = ropeApply(k.reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3), cos, sin);
        v = v.reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
        // Query head kv * groups + j reads kv head kv (transformers' repeat_kv order), without repeating keys.
        NDArray q5 = q.reshape(b, kvHeads, groups, t, hd);
        NDArray k5 = k.expandDims(2).transpose(0, 1, 2, 4, 3);
        NDArray scores = q5.matMul(k5).mul(c.attentionScale).add(mask);
        NDArray probs = scores.softmax(4);
        NDArray context = probs.matMul(v.expandDims(2)).reshape(b, heads, t, hd).transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * hd);
        return context.matMul(param(oProj(l)));
    }

    private NDArray mixture(NDArray h, int l, Constants c, NDArray layerBias, List<NDArray> routerLogits) {
        int e = config.numExperts();
        NDArray logits = h.matMul(param(router(l)));
        if (layerBias != null) {
            logits = logits.add(layerBias);
        }
        if (routerLogits != null) {
            routerLogits.add(logits);
        }
        NDArray p = logits.softmax(2);
        int k = Math.min(config.numExpertsPerTok(), e);
        if (k < e) {
            // Keep the k largest probabilities (ties keep every tied expert; with float routers they do not occur).
            NDArray threshold = p.stopGradient().sort(2).get("..., " + (e - k) + ":" + (e - k + 1));
            p = p.mul(p.stopGradient().gte(threshold).toType(DataType.FLOAT32, false));
        }
        NDArray out = null;
        NDList weights = p.split(e, 2);
        for (int x = 0; x < e; x++) {
            NDArray gate = h.matMul(param(expertGate(l, x)));
            NDArray up = h.matMul(param(expertUp(l, x)));
            NDArray ffn = gate.mul(Activation.sigmoid(gate)).mul(up).matMul(param(expertDown(l, x)));
            NDArray weighted = ffn.mul(weights.get(x));
            out = out == null ? weighted : out.add(weighted);
        }
        return out;
    }

    private NDArray rmsNorm(NDArray x, NDArray weight, Constants c) {
        NDArray rms = x.mul(x).mean(new int[]{x.getShape().dimension() - 1}, true).add(c.eps).sqrt();
        return x.div(rms).mul(weight);
    }

    private static NDArray ropeApply(NDArray x, NDArray cos, NDArray sin) {
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /**
     * cos and sin {@code [T, head_dim]} as the ONNX graph computes them (float32 inverse frequencies and angles), and
     * the additive causal mask {@code [T, T]}.
     */
    private NDArray[] tables(int length) {
        return ropeTables.computeIfAbsent(length, t -> {
            int hd = config.headDim();
            int half = hd / 2;
            float[] cos = new float[t * hd];
            float[] sin = new float[t * hd];
            for (int pos = 0; pos < t; pos++) {
                for (int i = 0; i < half; i++) {
                    float invFreq = (float) (1.0 / Math.pow(config.ropeTheta(), (float) (2 * i) / hd));
                    float angle = (float) pos * invFreq;
                    float cs = (float) Math.cos(angle);
                    float sn = (float) Math.sin(angle);
                    cos[pos * hd + i] = cs;
                    cos[pos * hd + half + i] = cs;
                    sin[pos * hd + i] = sn;
                    sin[pos * hd + half + i] = sn;
                }
            }
            float[] mask = new float[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    mask[i * t + j] = -1e30f;
                }
            }
            return new NDArray[]{manager.create(cos, new Shape(t, hd)), manager.create(sin, new Shape(t, hd)),
                    manager.create(mask, new Shape(t, t))};
        });
    }

    /** The constants of one step, as arrays owned by the step's manager (never Java scalars: see the class doc). */
    private final class Constants {
        final NDArray eps;
        final NDArray attentionScale;
        final NDArray biasMask;

        Constants(NDManager step) {
            eps = step.create((float) config.rmsNormEps());
            attentionScale = step.create((float) (1.0 / Math.sqrt(config.headDim())));
            float[] mask = new float[config.numExperts()];
            for (int i = 1; i < mask.length; i++) {
                mask[i] = 1f;
            }
            biasMask = step.create(mask);
        }
    }

    /** The weights in Hugging Face layout ({@code [out, in]}), for {@code PackageWriter} and checkpoints. */
    public InMemoryWeights export() {
        InMemoryWeights w = new InMemoryWeights();
        for (Map.Entry<String, NDArray> p : params.entrySet()) {
            if (p.getKey().equals(ROUTER_BIAS)) {
                continue;
            }
            NDArray a = p.getValue();
            long[] s = a.getShape().getShape();
            float[] values = a.toFloatArray();
            if (s.length == 2 && !p.getKey().equals(EMBED)) {
                w.put(p.getKey(), transpose(values, (int) s[0], (int) s[1]), s[1], s[0]);
            } else {
                w.put(p.getKey(), values, s);
            }
        }
        return w;
    }

    /** {@code [L][E]}, or null without bias. */
    public float[][] exportBias() {
        if (!withBias) {
            return null;
        }
        float[] flat = param(ROUTER_BIAS).toFloatArray();
        int e = config.numExperts();
        float[][] b = new float[config.numHiddenLayers()][e];
        for (int l = 0; l < b.length; l++) {
            System.arraycopy(flat, l * e, b[l], 0, e);
        }
        return b;
    }

    /** Parameter values in compute layout (checkpoints store these). */
    public float[] values(String name) {
        return param(name).toFloatArray();
    }

    /** Overwrites a parameter's values in place (compute layout), keeping its gradient flag. */
    public void load(String name, float[] values) {
        NDArray p = param(name);
        if (p.size() != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for " + p.getShape());
        }
        p.set(values);
    }

    private void put(String name, float[] values, long... shape) {
        params.put(name, manager.create(values, new Shape(shape)));
    }

    private void putTransposed(String name, float[] hfValues, int out, int in) {
        params.put(name, manager.create(transpose(hfValues, out, in), new Shape(in, out)));
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = m[r * cols + col];
            }
        }
        return t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
