package dev.flexserve.model.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.weights.WeightSource;

import java.util.List;

import static dev.flexserve.model.onnx.GraphBuilder.intAttr;
import static dev.flexserve.model.onnx.GraphBuilder.intsAttr;
import static dev.flexserve.model.weights.WeightNames.*;

/**
 * The ONNX graphs of a FlexOlmo model (DESIGN.md §1), one per unit the services run: the embedding, one
 * attention block per layer, one expert FFN per layer and expert, and the final norm with the LM head. Gating,
 * the weighted expert sum and the post-FFN norm are not graphs: they run in Java (see the gating package), where
 * the set of allowed experts is known per sequence.
 *
 * <p>Weights arrive in Hugging Face orientation ({@code [out, in]}) and are stored transposed, so every
 * projection is a plain MatMul of row vectors.
 */
public final class FlexOlmoGraphs {
    /** Graph input/output names: the contract between the package writer and the runtime. */
    public static final String TOKENS = "tokens";
    public static final String HIDDEN = "hidden";
    public static final String HIDDEN_OUT = "hidden_out";
    public static final String PAST_KEY = "past_key";
    public static final String PAST_VALUE = "past_value";
    public static final String PAST_LENGTH = "past_length";
    public static final String NEW_KEY = "new_key";
    public static final String NEW_VALUE = "new_value";
    public static final String LOGITS = "logits";

    private static final float MASKED = -Float.MAX_VALUE;

    private final FlexOlmoConfig c;

    public FlexOlmoGraphs(FlexOlmoConfig config) {
        this.c = config;
    }

    /** {@code tokens [n] int64 -> hidden [n, d]}. */
    public GraphBuilder embedding(WeightSource w) {
        GraphBuilder g = new GraphBuilder("embedding");
        String tokens = g.input(TOKENS, DataType.INT64, "n");
        String table = g.weight("embed_tokens", w.get(EMBED, c.vocabSize(), c.hiddenSize()), c.vocabSize(), c.hiddenSize());
        String h = g.op("Gather", List.of(table, tokens), intAttr("axis", 0));
        g.output(h, HIDDEN, DataType.FLOAT, "n", c.hiddenSize());
        return g;
    }

    /**
     * One attention block with its post-attention norm and residual, for a batch of sequences that each bring
     * {@code t} new positions (t = prompt length for a prefill, 1 for a decode step) after a cached past.
     *
     * <p>Inputs: {@code hidden [b, t, d]}; {@code past_key}, {@code past_value [b, kv_heads, p, head_dim]} padded to
     * the longest past in the batch; {@code past_length [b]} int64, the real past of each sequence. Positions
     * are {@code past_length + i}. Outputs: {@code hidden_out [b, t, d]} and the new keys (after QK-norm and RoPE)
     * and values {@code [b, kv_heads, t, head_dim]}, which the caller appends to each sequence's cache. A key is
     * visible to query i of sequence s if it is in s's real past, or is new and at most i: padded past slots
     * and padded new rows never leak into real rows.
     */
    public GraphBuilder attention(WeightSource w, int layer) {
        int d = c.hiddenSize();
        int hd = c.headDim();
        int heads = c.numAttentionHeads();
        int kvHeads = c.numKeyValueHeads();
        GraphBuilder g = new GraphBuilder("attention_" + layer);
        String hidden = g.input(HIDDEN, DataType.FLOAT, "batch", "new", d);
        String pastKey = g.input(PAST_KEY, DataType.FLOAT, "batch", kvHeads, "past", hd);
        String pastValue = g.input(PAST_VALUE, DataType.FLOAT, "batch", kvHeads, "past", hd);
        String pastLength = g.input(PAST_LENGTH, DataType.INT64, "batch");

        String wq = g.weight("q_proj", transpose(w.get(qProj(layer), c.queryWidth(), d), c.queryWidth(), d), d, c.queryWidth());
        String wk = g.weight("k_proj", transpose(w.get(kProj(layer), c.keyValueWidth(), d), c.keyValueWidth(), d), d, c.keyValueWidth());
        String wv = g.weight("v_proj", transpose(w.get(vProj(layer), c.keyValueWidth(), d), c.keyValueWidth(), d), d, c.keyValueWidth());
        String wo = g.weight("o_proj", transpose(w.get(oProj(layer), d, c.queryWidth()), d, c.queryWidth()), c.queryWidth(), d);
        String qNormW = g.weight("q_norm", w.get(qNorm(layer), c.queryWidth()), c.queryWidth());
        String kNormW = g.weight("k_norm", w.get(kNorm(layer), c.keyValueWidth()), c.keyValueWidth());
        String postNormW = g.weight("post_attention_layernorm", w.get(postAttentionNorm(layer), d), d);

        // QK-norm over the full projection width, before splitting into heads.
        String q = rmsNorm(g, g.op("MatMul", hidden, wq), qNormW);
        String k = rmsNorm(g, g.op("MatMul", hidden, wk), kNormW);
        String v = g.op("MatMul", hidden, wv);
        String q4 = toHeads(g, q, heads, hd);
        String k4 = toHeads(g, k, kvHeads, hd);
        String v4 = toHeads(g, v, kvHeads, hd);

        // Positions past_length[b] + i, i over the new tokens.
        String zero = g.int64Scalar(0);
        String one = g.int64Scalar(1);
        String newCount = g.op("Gather", List.of(g.op("Shape", hidden), g.int64Scalar(1)), intAttr("axis", 0));
        String newIndex = g.op("Range", zero, newCount, one);
        String positions = g.op("Add", g.op("Unsqueeze", pastLength, g.int64s(1)), g.op("Unsqueeze", newIndex, g.int64s(0)));
        String positionsF = g.op("Cast", List.of(positions), intAttr("to", DataType.FLOAT.getNumber()));
        String freqs = g.op("Mul", g.op("Unsqueeze", positionsF, g.int64s(2)), g.weight("inv_freq", inverseFrequencies(), hd / 2));
        String angles = g.op("Concat", List.of(freqs, freqs), intAttr("axis", -1));
        String cos = g.op("Unsqueeze", g.op("Cos", angles), g.int64s(1));
        String sin = g.op("Unsqueeze", g.op("Sin", angles), g.int64s(1));
        String qRot = rope(g, q4, cos, sin, hd);
        String kRot = rope(g, k4, cos, sin, hd);

        String keys = g.op("Concat", List.of(pastKey, kRot), intAttr("axis", 2));
        String values = g.op("Concat", List.of(pastValue, v4), intAttr("axis", 2));

        // Grouped-query attention without materialising repeated keys: query head h = kv * groups + j reads kv head kv,
        // the ordering of transformers' repeat_kv.
        int groups = heads / kvHeads;
        String q5 = g.op("Reshape", qRot, g.int64s(0, kvHeads, groups, -1, hd));
        String keysT = g.op("Unsqueeze", g.op("Transpose", List.of(keys), intsAttr("perm", 0, 1, 3, 2)), g.int64s(2));
        String scores = g.op("Mul", g.op("MatMul", q5, keysT), g.floatScalar((float) (1.0 / Math.sqrt(hd))));

        String pastCount = g.op("Gather", List.of(g.op("Shape", pastKey), g.int64Scalar(2)), intAttr("axis", 0));
        String keyCount = g.op("Gather", List.of(g.op("Shape", keys), g.int64Scalar(2)), intAttr("axis", 0));
        String keyIndex = g.op("Range", zero, keyCount, one);
        String inRealPast = g.op("Less", g.op("Unsqueeze", keyIndex, g.int64s(0)), g.op("Unsqueeze", pastLength, g.int64s(1)));
        String isNew = g.op("GreaterOrEqual", keyIndex, pastCount);
        String notAfterQuery = g.op("LessOrEqual",
                g.op("Unsqueeze", g.op("Sub", keyIndex, pastCount), g.int64s(0)),
                g.op("Unsqueeze", newIndex, g.int64s(1)));
        String newVisible = g.op("And", isNew, notAfterQuery);
        String visible = g.op("Or", g.op("Unsqueeze", inRealPast, g.int64s(1)), g.op("Unsqueeze", newVisible, g.int64s(0)));
        String visible5 = g.op("Unsqueeze", visible, g.int64s(1, 2));
        String masked = g.op("Where", visible5, scores, g.floatScalar(MASKED));
        String probs = g.op("Softmax", List.of(masked), intAttr("axis", -1));
        String context = g.op("MatMul", probs, g.op("Unsqueeze", values, g.int64s(2)));
        String context4 = g.op("Reshape", context, g.int64s(0, heads, -1, hd));
        String merged = g.op("Reshape", g.op("Transpose", List.of(context4), intsAttr("perm", 0, 2, 1, 3)),
                g.int64s(0, 0, (long) heads * hd));
        String attended = g.op("MatMul", merged, wo);
        String out = g.op("Add", hidden, rmsNorm(g, attended, postNormW));

        g.output(out, HIDDEN_OUT, DataType.FLOAT, "batch", "new", d);
        g.output(kRot, NEW_KEY, DataType.FLOAT, "batch", kvHeads, "new", hd);
        g.output(v4, NEW_VALUE, DataType.FLOAT, "batch", kvHeads, "new", hd);
        return g;
    }

    /** One expert's SwiGLU FFN in one layer: {@code hidden [n, d] -> W2(silu(W1 h) * W3 h) [n, d]}, no norm inside. */
    public GraphBuilder expertFfn(WeightSource w, int layer, int expert, int intermediate) {
        int d = c.hiddenSize();
        GraphBuilder g = new GraphBuilder("expert_ffn_" + layer);
        String h = g.input(HIDDEN, DataType.FLOAT, "n", d);
        String w1 = g.weight("gate_proj", transpose(w.get(expertGate(layer, expert), intermediate, d), intermediate, d), d, intermediate);
        String w3 = g.weight("up_proj", transpose(w.get(expertUp(layer, expert), intermediate, d), intermediate, d), d, intermediate);
        String w2 = g.weight("down_proj", transpose(w.get(expertDown(layer, expert), d, intermediate), d, intermediate), intermediate, d);
        String gate = g.op("MatMul", h, w1);
        String silu = g.op("Mul", gate, g.op("Sigmoid", gate));
        String out = g.op("MatMul", g.op("Mul", silu, g.op("MatMul", h, w3)), w2);
        g.output(out, HIDDEN_OUT, DataType.FLOAT, "n", d);
        return g;
    }

    /** Final norm and untied LM head: {@code hidden [n, d] -> logits [n, vocab]}. */
    public GraphBuilder head(WeightSource w) {
        int d = c.hiddenSize();
        GraphBuilder g = new GraphBuilder("head");
        String h = g.input(HIDDEN, DataType.FLOAT, "n", d);
        String norm = g.weight("norm", w.get(FINAL_NORM, d), d);
        String head = g.weight("lm_head", transpose(w.get(LM_HEAD, c.vocabSize(), d), c.vocabSize(), d), d, c.vocabSize());
        g.output(g.op("MatMul", rmsNorm(g, h, norm), head), LOGITS, DataType.FLOAT, "n", c.vocabSize());
        return g;
    }

    /** transformers' default RoPE frequencies, in float32 as it computes them: 1 / theta^(2i / head_dim). */
    float[] inverseFrequencies() {
        int half = c.headDim() / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            f[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / c.headDim()));
        }
        return f;
    }

    private String rmsNorm(GraphBuilder g, String x, String weight) {
        String meanSquare = g.op("ReduceMean", List.of(g.op("Mul", x, x)), intsAttr("axes", -1), intAttr("keepdims", 1));
        String inverseRms = g.op("Reciprocal", g.op("Sqrt", g.op("Add", meanSquare, g.floatScalar((float) c.rmsNormEps()))));
        return g.op("Mul", g.op("Mul", x, inverseRms), weight);
    }

    /** {@code [b, t, heads*hd] -> [b, heads, t, hd]}. */
    private static String toHeads(GraphBuilder g, String x, int heads, int hd) {
        return g.op("Transpose", List.of(g.op("Reshape", x, g.int64s(0, 0, heads, hd))), intsAttr("perm", 0, 2, 1, 3));
    }

    /** Rotary embedding with transformers' rotate_half convention (halves, not interleaved pairs). */
    private static String rope(GraphBuilder g, String x, String cos, String sin, int hd) {
        String first = g.op("Slice", x, g.int64s(0), g.int64s(hd / 2), g.int64s(3));
        String second = g.op("Slice", x, g.int64s(hd / 2), g.int64s(hd), g.int64s(3));
        String rotated = g.op("Concat", List.of(g.op("Neg", second), first), intAttr("axis", 3));
        return g.op("Add", g.op("Mul", x, cos), g.op("Mul", rotated, sin));
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = m[base + col];
            }
        }
        return t;
    }
}
