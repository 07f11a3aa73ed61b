package dev.flexserve.model.tokenizer;

import dev.flexserve.model.testing.ByteLevelBpeFixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path packageDir;

    @Test
    void specsHaveTheManifestForm() throws IOException {
        assertEquals("{\"type\":\"bytes\"}", JSON.writeValueAsString(TokenizerSpec.bytes()));
        assertEquals("{\"type\":\"none\"}", JSON.writeValueAsString(TokenizerSpec.none()));
        assertEquals(TokenizerSpec.huggingFace("tokenizer.json"),
                JSON.readValue("{\"type\":\"huggingface\",\"file\":\"tokenizer.json\"}", TokenizerSpec.class));
    }

    @Test
    void loadsTheByteTokenizer() throws IOException {
        try (Tokenizer tokenizer = Tokenizers.load(TokenizerSpec.bytes(), packageDir, OptionalInt.empty())) {
            assertInstanceOf(ByteTokenizer.class, tokenizer);
        }
    }

    @Test
    void rejectsAnEosThatContradictsTheByteTokenizer() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.load(TokenizerSpec.bytes(), packageDir, OptionalInt.of(0)));
        assertEquals("package " + packageDir + " uses the byte tokenizer, whose end-of-text id is 256,"
                + " but its model config says eos_token_id 0", error.getMessage());
    }

    @Test
    void loadsAHuggingFaceTokenizerFromThePackage() throws IOException {
        ByteLevelBpeFixture.write(packageDir);
        try (Tokenizer tokenizer = Tokenizers.load(TokenizerSpec.huggingFace("tokenizer.json"), packageDir,
                OptionalInt.of(ByteLevelBpeFixture.END_OF_TEXT))) {
            assertArrayEquals(new int[] {ByteLevelBpeFixture.HELLO}, tokenizer.encode("hello"));
        }
    }

    @Test
    void reportsAMissingTokenizerFileWithItsPath() {
        Path expected = packageDir.toAbsolutePath().normalize().resolve("tokenizer.json");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.load(TokenizerSpec.huggingFace("tokenizer.json"), packageDir, OptionalInt.empty()));
        assertEquals("tokenizer file " + expected + " does not exist", error.getMessage());
    }

    @Test
    void refusesAFileOutsideThePackage() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.load(TokenizerSpec.huggingFace("../tokenizer.json"), packageDir, OptionalInt.empty()));
        assertEquals("tokenizer file " + packageDir.toAbsolutePath().normalize().getParent().resolve("tokenizer.json")
                + " lies outside package " + packageDir.toAbsolutePath().normalize(), error.getMessage());
    }

    @Test
    void reportsAnUnknownTypeWithThePackage() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.load(new TokenizerSpec("sentencepiece", "tok.model"), packageDir, OptionalInt.empty()));
        assertEquals("unknown tokenizer type 'sentencepiece' in package " + packageDir
                + "; expected one of bytes, huggingface, none", error.getMessage());
    }

    @Test
    void noneTokenizerAsksForTokenIds() throws IOException {
        try (Tokenizer tokenizer = Tokenizers.load(TokenizerSpec.none(), packageDir, OptionalInt.of(3))) {
            assertEquals(OptionalInt.of(3), tokenizer.eosTokenId());
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> tokenizer.encode("hi"));
            assertEquals("the model package has no tokenizer; token ids must be given instead of text",
                    error.getMessage());
            assertThrows(IllegalStateException.class, () -> tokenizer.decode(new int[] {1}));
            assertThrows(IllegalStateException.class, tokenizer::newTextStream);
        }
    }
}
