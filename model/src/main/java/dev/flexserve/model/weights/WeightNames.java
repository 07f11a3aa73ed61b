package dev.flexserve.model.weights;

/**
 * Parameter names of transformers' {@code FlexOlmoForCausalLM} in its per-expert layout. Every weight that
 * enters FlexServe (a checkpoint, a trained model, random demo weights) is addressed by these names, with the
 * shapes and orientation of the Hugging Face tensors ({@code nn.Linear}: {@code [out, in]}).
 */
public final class WeightNames {
    private WeightNames() {
    }

    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    public static String layer(int l) {
        return "model.layers." + l + ".";
    }

    public static String qProj(int l) {
        return layer(l) + "self_attn.q_proj.weight";
    }

    public static String kProj(int l) {
        return layer(l) + "self_attn.k_proj.weight";
    }

    public static String vProj(int l) {
        return layer(l) + "self_attn.v_proj.weight";
    }

    public static String oProj(int l) {
        return layer(l) + "self_attn.o_proj.weight";
    }

    public static String qNorm(int l) {
        return layer(l) + "self_attn.q_norm.weight";
    }

    public static String kNorm(int l) {
        return layer(l) + "self_attn.k_norm.weight";
    }

    public static String postAttentionNorm(int l) {
        return layer(l) + "post_attention_layernorm.weight";
    }

    public static String postFeedforwardNorm(int l) {
        return layer(l) + "post_feedforward_layernorm.weight";
    }

    /** The router of layer l: {@code [num_experts, hidden_size]}, one row per expert. */
    public static String router(int l) {
        return layer(l) + "mlp.gate.weight";
    }

    /** W1 of expert e in layer l, {@code [intermediate, hidden]}: the input to SiLU. */
    public static String expertGate(int l, int e) {
        return layer(l) + "mlp.experts." + e + ".gate_proj.weight";
    }

    /** W3 of expert e in layer l, {@code [intermediate, hidden]}: multiplied with the SiLU output. */
    public static String expertUp(int l, int e) {
        return layer(l) + "mlp.experts." + e + ".up_proj.weight";
    }

    /** W2 of expert e in layer l, {@code [hidden, intermediate]}. */
    public static String expertDown(int l, int e) {
        return layer(l) + "mlp.experts." + e + ".down_proj.weight";
    }
}
