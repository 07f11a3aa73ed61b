package dev.flexserve.model.tokenizer;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which tokenizer a trunk package uses, as stored in its manifest: {@code {"type":"bytes"}},
 * {@code {"type":"huggingface","file":"tokenizer.json"}} or {@code {"type":"none"}}.
 *
 * <p>The type stays a string, not an enum, so that a manifest with a type this version does not know
 * still reads, and {@link Tokenizers#load} can report it together with the package it came from.
 *
 * @param type one of {@link #BYTES}, {@link #HUGGINGFACE}, {@link #NONE}
 * @param file for {@code huggingface}: the {@code tokenizer.json} path, relative to the package directory
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenizerSpec(String type, String file) {

    /** {@link ByteTokenizer}: UTF-8 bytes plus end-of-text. */
    public static final String BYTES = "bytes";
    /** {@link HuggingFaceTokenizer} from a file in the package. */
    public static final String HUGGINGFACE = "huggingface";
    /** No tokenizer: clients send and receive token ids. */
    public static final String NONE = "none";

    public static TokenizerSpec bytes() {
        return new TokenizerSpec(BYTES, null);
    }

    public static TokenizerSpec huggingFace(String file) {
        return new TokenizerSpec(HUGGINGFACE, file);
    }

    public static TokenizerSpec none() {
        return new TokenizerSpec(NONE, null);
    }
}
