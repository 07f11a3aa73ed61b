package dev.flexserve.model.packages;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/** The tokenizer a trunk package ships: its manifest entry and, for Hugging Face tokenizers, the file to copy. */
public record TokenizerAsset(ObjectNode spec, Path file) {

    /** FlexServe's own byte-level tokenizer (ids 0-255 are bytes, 256 ends the text). */
    public static TokenizerAsset bytes() {
        return new TokenizerAsset(JsonNodeFactory.instance.objectNode().put("type", "bytes"), null);
    }

    public static TokenizerAsset huggingFace(Path tokenizerJson) {
        return new TokenizerAsset(JsonNodeFactory.instance.objectNode().put("type", "huggingface")
                .put("file", PackageFiles.HF_TOKENIZER), tokenizerJson);
    }

    /** No tokenizer: the model is driven with token ids only. */
    public static TokenizerAsset none() {
        return new TokenizerAsset(JsonNodeFactory.instance.objectNode().put("type", "none"), null);
    }
}
