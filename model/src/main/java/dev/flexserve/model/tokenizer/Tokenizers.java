package dev.flexserve.model.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Creates the tokenizer a package's {@link TokenizerSpec} describes. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * @param spec       the manifest's tokenizer entry
     * @param packageDir the package directory, against which files are resolved
     * @param eosTokenId the model config's {@code eos_token_id}, if it has one
     * @throws IllegalArgumentException for an unknown type, a missing or escaping file, or an eos id the
     *                                  tokenizer contradicts; the message names the package
     * @throws IOException              if the tokenizer file cannot be read
     */
    public static Tokenizer load(TokenizerSpec spec, Path packageDir, OptionalInt eosTokenId) throws IOException {
        String type = spec.type();
        if (TokenizerSpec.BYTES.equals(type)) {
            return byteTokenizer(packageDir, eosTokenId);
        }
        if (TokenizerSpec.HUGGINGFACE.equals(type)) {
            return new HuggingFaceTokenizer(tokenizerFile(spec.file(), packageDir), eosTokenId);
        }
        if (TokenizerSpec.NONE.equals(type)) {
            return new NoTokenizer(eosTokenId);
        }
        throw new IllegalArgumentException("unknown tokenizer type '" + type + "' in package " + packageDir
                + "; expected one of " + TokenizerSpec.BYTES + ", " + TokenizerSpec.HUGGINGFACE + ", "
                + TokenizerSpec.NONE);
    }

    /** The byte tokenizer's end-of-text id is fixed; a config that says otherwise would never stop. */
    private static Tokenizer byteTokenizer(Path packageDir, OptionalInt eosTokenId) {
        if (eosTokenId.isPresent() && eosTokenId.getAsInt() != ByteTokenizer.END_OF_TEXT) {
            throw new IllegalArgumentException("package " + packageDir + " uses the byte tokenizer, whose end-of-text id is "
                    + ByteTokenizer.END_OF_TEXT + ", but its model config says eos_token_id " + eosTokenId.getAsInt());
        }
        return new ByteTokenizer();
    }

    /** The manifest is not trusted to stay inside its package: it may come from any contributor. */
    private static Path tokenizerFile(String file, Path packageDir) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("tokenizer of type " + TokenizerSpec.HUGGINGFACE + " in package "
                    + packageDir + " names no file");
        }
        Path root = packageDir.toAbsolutePath().normalize();
        Path path = root.resolve(file).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("tokenizer file " + path + " lies outside package " + root);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("tokenizer file " + path + " does not exist");
        }
        return path;
    }
}
