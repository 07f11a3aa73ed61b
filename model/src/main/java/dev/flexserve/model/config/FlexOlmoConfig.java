package dev.flexserve.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a FlexOlmo model, with the field names of Hugging Face's {@code FlexOlmoConfig}
 * (DESIGN.md §1). Every component reads the model's shape from here; {@link #validate()} refuses what the
 * FlexServe engine does not compute exactly (tied embeddings, renormalised top-k, attention biases, RoPE
 * scaling, activations other than SiLU), so an imported model can never be served with silently different math.
 */
public record FlexOlmoConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int numExperts,
        int numExpertsPerTok,
        double rmsNormEps,
        double ropeTheta,
        int maxPositionEmbeddings,
        Integer eosTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public FlexOlmoConfig {
        validate(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                headDim, numExperts, numExpertsPerTok, rmsNormEps, ropeTheta, maxPositionEmbeddings, eosTokenId);
    }

    /** Query width: {@code num_attention_heads * head_dim}; the q_norm spans all of it (QK-norm before heads). */
    public int queryWidth() {
        return numAttentionHeads * headDim;
    }

    /** Key/value width: {@code num_key_value_heads * head_dim}. */
    public int keyValueWidth() {
        return numKeyValueHeads * headDim;
    }

    /** Heads that share one key/value head (grouped-query attention); 1 without GQA. */
    public int queryGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Parses a Hugging Face {@code config.json}. */
    public static FlexOlmoConfig read(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new ConfigException("config file not found: " + configJson);
        }
        JsonNode node;
        try {
            node = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ConfigException("config file is not valid JSON: " + configJson + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        return fromJson(node);
    }

    /**
     * Reads the Hugging Face fields. Accepts both {@code rope_theta} (transformers 4.x) and
     * {@code rope_parameters.rope_theta} (transformers 5.x).
     */
    public static FlexOlmoConfig fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new ConfigException("config must be a JSON object");
        }
        List<String> problems = new ArrayList<>();
        String modelType = n.path("model_type").asText("flex_olmo");
        if (!modelType.equals("flex_olmo")) {
            problems.add("model_type is '" + modelType + "', expected 'flex_olmo'");
        }
        if (n.path("tie_word_embeddings").asBoolean(false)) {
            problems.add("tie_word_embeddings=true is not supported: FlexOlmo's head is not tied to the embedding");
        }
        if (n.path("norm_topk_prob").asBoolean(false)) {
            problems.add("norm_topk_prob=true is not supported: FlexOlmo does not renormalise the selected gate weights");
        }
        if (n.path("attention_bias").asBoolean(false)) {
            problems.add("attention_bias=true is not supported");
        }
        String act = n.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            problems.add("hidden_act '" + act + "' is not supported, only 'silu'");
        }
        JsonNode rope = n.path("rope_parameters");
        JsonNode scaling = n.path("rope_scaling");
        String ropeType = rope.path("rope_type").asText(scaling.path("rope_type").asText(scaling.path("type").asText("default")));
        if (!ropeType.equals("default")) {
            problems.add("rope type '" + ropeType + "' is not supported, only 'default'");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        int hidden = requiredInt(n, "hidden_size");
        int heads = requiredInt(n, "num_attention_heads");
        int kvHeads = n.hasNonNull("num_key_value_heads") ? requiredInt(n, "num_key_value_heads") : heads;
        int headDim = n.hasNonNull("head_dim") ? requiredInt(n, "head_dim") : (heads > 0 ? hidden / heads : 0);
        double theta = rope.hasNonNull("rope_theta") ? rope.get("rope_theta").asDouble()
                : n.path("rope_theta").asDouble(500000.0);
        JsonNode eos = n.get("eos_token_id");
        Integer eosId = eos == null || eos.isNull() ? null : eos.isArray() ? eos.get(0).asInt() : eos.asInt();
        return new FlexOlmoConfig(
                requiredInt(n, "vocab_size"),
                hidden,
                requiredInt(n, "intermediate_size"),
                requiredInt(n, "num_hidden_layers"),
                heads,
                kvHeads,
                headDim,
                requiredInt(n, "num_experts"),
                requiredInt(n, "num_experts_per_tok"),
                n.path("rms_norm_eps").asDouble(1e-6),
                theta,
                n.path("max_position_embeddings").asInt(4096),
                eosId);
    }

    /** Writes the Hugging Face form, so a trunk package's config can be read back by {@link #fromJson}. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", "flex_olmo");
        n.putArray("architectures").add("FlexOlmoForCausalLM");
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numHiddenLayers);
        n.put("num_attention_heads", numAttentionHeads);
        n.put("num_key_value_heads", numKeyValueHeads);
        n.put("head_dim", headDim);
        n.put("num_experts", numExperts);
        n.put("num_experts_per_tok", numExpertsPerTok);
        n.put("norm_topk_prob", false);
        n.put("rms_norm_eps", rmsNormEps);
        n.put("rope_theta", ropeTheta);
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("tie_word_embeddings", false);
        n.put("hidden_act", "silu");
        if (eosTokenId != null) {
            n.put("eos_token_id", eosTokenId);
        }
        return n;
    }

    /** The same model with another expert count (an imported or merged set may differ from the checkpoint's). */
    public FlexOlmoConfig withExperts(int experts, int perToken) {
        return new FlexOlmoConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, experts, perToken, rmsNormEps, ropeTheta, maxPositionEmbeddings, eosTokenId);
    }

    private static int requiredInt(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ConfigException("config field '" + field + "' is missing");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ConfigException("config field '" + field + "' must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static void validate(int vocab, int hidden, int ffn, int layers, int heads, int kvHeads, int headDim,
                                 int experts, int perTok, double eps, double theta, int maxPos, Integer eos) {
        List<String> p = new ArrayList<>();
        positive(p, "vocab_size", vocab);
        positive(p, "hidden_size", hidden);
        positive(p, "intermediate_size", ffn);
        positive(p, "num_hidden_layers", layers);
        positive(p, "num_attention_heads", heads);
        positive(p, "num_key_value_heads", kvHeads);
        positive(p, "head_dim", headDim);
        positive(p, "num_experts", experts);
        positive(p, "max_position_embeddings", maxPos);
        if (heads > 0 && kvHeads > 0 && heads % kvHeads != 0) {
            p.add("num_attention_heads (" + heads + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
        }
        if (headDim > 0 && headDim % 2 != 0) {
            p.add("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (perTok < 1 || (experts > 0 && perTok > experts)) {
            p.add("num_experts_per_tok must be between 1 and num_experts (" + experts + "), got " + perTok);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            p.add("rms_norm_eps must be positive, got " + eps);
        }
        if (!(theta > 0) || Double.isInfinite(theta)) {
            p.add("rope_theta must be positive, got " + theta);
        }
        if (eos != null && (eos < 0 || eos >= vocab)) {
            p.add("eos_token_id " + eos + " is outside the vocabulary (" + vocab + ")");
        }
        if (!p.isEmpty()) {
            throw new ConfigException(String.join("; ", p));
        }
    }

    private static void positive(List<String> problems, String field, int value) {
        if (value < 1) {
            problems.add(field + " must be positive, got " + value);
        }
    }
}
