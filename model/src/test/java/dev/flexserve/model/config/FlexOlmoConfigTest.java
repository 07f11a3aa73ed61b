package dev.flexserve.model.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlexOlmoConfigTest {
    /** The released FlexOlmo-7x7B-1T configuration (transformers 5 form, with rope_parameters). */
    static ObjectNode flexOlmo7x7() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("model_type", "flex_olmo").put("vocab_size", 100352).put("hidden_size", 4096)
                .put("intermediate_size", 11008).put("num_hidden_layers", 32).put("num_attention_heads", 32)
                .put("num_key_value_heads", 32).put("num_experts", 7).put("num_experts_per_tok", 5)
                .put("norm_topk_prob", false).put("rms_norm_eps", 1e-6).put("max_position_embeddings", 4096)
                .put("tie_word_embeddings", false).put("eos_token_id", 100257);
        n.putObject("rope_parameters").put("rope_theta", 500000.0).put("rope_type", "default");
        return n;
    }

    @Test
    void readsTheReleasedConfig() {
        FlexOlmoConfig c = FlexOlmoConfig.fromJson(flexOlmo7x7());
        assertEquals(128, c.headDim());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(4096, c.queryWidth());
        assertEquals(1, c.queryGroups());
        assertEquals(100257, c.eosTokenId());
        assertEquals(c, FlexOlmoConfig.fromJson(c.toJson()), "toJson and fromJson round-trip");
    }

    @Test
    void namesEveryUnsupportedSetting() {
        ObjectNode n = flexOlmo7x7().put("tie_word_embeddings", true).put("hidden_act", "gelu");
        ((ObjectNode) n.get("rope_parameters")).put("rope_type", "yarn");
        Exception e = assertThrows(ConfigException.class, () -> FlexOlmoConfig.fromJson(n));
        assertThat(e.getMessage()).contains("tie_word_embeddings").contains("gelu").contains("yarn");
    }

    @Test
    void refusesInconsistentShapes() {
        Exception e = assertThrows(ConfigException.class, () -> FlexOlmoConfig.fromJson(
                flexOlmo7x7().put("num_key_value_heads", 5).put("num_experts_per_tok", 8)));
        assertThat(e.getMessage()).contains("multiple of num_key_value_heads").contains("num_experts_per_tok must be between 1 and num_experts (7), got 8");
    }

    @Test
    void refusesMissingAndMistypedFields() {
        ObjectNode missing = flexOlmo7x7();
        missing.remove("hidden_size");
        assertThat(assertThrows(ConfigException.class, () -> FlexOlmoConfig.fromJson(missing)).getMessage())
                .contains("'hidden_size' is missing");
        assertThat(assertThrows(ConfigException.class, () -> FlexOlmoConfig.fromJson(flexOlmo7x7().put("num_hidden_layers", "32"))).getMessage())
                .contains("'num_hidden_layers' must be an integer");
    }
}
