package dev.flexserve.model.packages;

import dev.flexserve.model.tokenizer.TokenizerSpec;

import java.nio.file.Path;

/** The tokenizer a trunk package ships: its manifest entry and, for Hugging Face tokenizers, the file to copy in. */
public record TokenizerAsset(TokenizerSpec spec, Path file) {

    public static TokenizerAsset bytes() {
        return new TokenizerAsset(TokenizerSpec.bytes(), null);
    }

    public static TokenizerAsset huggingFace(Path tokenizerJson) {
        return new TokenizerAsset(TokenizerSpec.huggingFace(PackageFiles.HF_TOKENIZER), tokenizerJson);
    }

    /** No tokenizer: the model is driven with token ids only. */
    public static TokenizerAsset none() {
        return new TokenizerAsset(TokenizerSpec.none(), null);
    }
}
