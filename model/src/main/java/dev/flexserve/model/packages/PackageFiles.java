package dev.flexserve.model.packages;

/** The file names inside trunk and expert packages. */
public final class PackageFiles {
    private PackageFiles() {
    }

    public static final String EMBEDDING = "embedding.onnx";
    public static final String HEAD = "head.onnx";
    /** Trunk tensors that are not graphs: {@link #POST_FFN_NORM} and the public expert's {@link #ROUTER} rows. */
    public static final String TRUNK_TENSORS = "trunk.safetensors";
    /** Expert tensors: its {@link #ROUTER} rows and optional {@link #BIAS}. */
    public static final String EXPERT_TENSORS = "expert.safetensors";
    public static final String HF_TOKENIZER = "tokenizer.json";

    /** {@code [layers, hidden]}: per layer, the router row (domain embedding) of the package's expert. */
    public static final String ROUTER = "router";
    /** {@code [layers]}: per layer, the expert's non-positive router logit bias. */
    public static final String BIAS = "bias";
    /** {@code [layers, hidden]}: the post-feedforward RMSNorm weight of every layer. */
    public static final String POST_FFN_NORM = "post_feedforward_layernorm";

    public static String attention(int layer) {
        return "layers/attention_" + layer + ".onnx";
    }

    public static String ffn(int layer) {
        return "layers/ffn_" + layer + ".onnx";
    }
}
