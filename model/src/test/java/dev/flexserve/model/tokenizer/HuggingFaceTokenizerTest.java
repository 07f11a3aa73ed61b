package dev.flexserve.model.tokenizer;

import dev.flexserve.model.testing.ByteLevelBpeFixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceTokenizerTest {

    @TempDir
    Path dir;
    private Path tokenizerJson;
    private HuggingFaceTokenizer tokenizer;

    @BeforeEach
    void load() throws IOException {
        tokenizerJson = ByteLevelBpeFixture.write(dir);
        tokenizer = new HuggingFaceTokenizer(tokenizerJson, OptionalInt.of(ByteLevelBpeFixture.END_OF_TEXT));
    }

    @AfterEach
    void close() {
        tokenizer.close();
    }

    @Test
    void encodesWithMergesAndWithoutSpecialTokens() {
        // The post-processor would append <|endoftext|> if special tokens were added.
        assertArrayEquals(new int[] {ByteLevelBpeFixture.HELLO, ByteLevelBpeFixture.SPACE_WORLD},
                tokenizer.encode("hello world"));
        assertArrayEquals(new int[] {0xC3, 0xA9, '!'}, tokenizer.encode("é!"));
    }

    @Test
    void decodesAndSkipsSpecialTokens() {
        int[] ids = {ByteLevelBpeFixture.HELLO, ByteLevelBpeFixture.SPACE_WORLD, 0xC3, 0xA9,
                ByteLevelBpeFixture.END_OF_TEXT};
        assertEquals("hello worldé", tokenizer.decode(ids));
        String text = "say hello world 😀 twice";
        assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
    }

    @Test
    void streamHoldsBackPartialCharactersAndKeepsSpaces() {
        TextStream stream = tokenizer.newTextStream();
        assertEquals("hello", stream.push(ByteLevelBpeFixture.HELLO));
        assertEquals(" world", stream.push(ByteLevelBpeFixture.SPACE_WORLD));
        assertEquals(" ", stream.push(' '));
        for (int b : new int[] {0xF0, 0x9F, 0x98}) {
            assertEquals("", stream.push(b), "partial emoji byte " + Integer.toHexString(b));
        }
        assertEquals("😀", stream.push(0x80));
        assertEquals("", stream.push(ByteLevelBpeFixture.END_OF_TEXT));
        assertEquals("", stream.flush());
    }

    @Test
    void streamedTextEqualsDecodedText() {
        int[] ids = tokenizer.encode("hello world, héllo wörld 日本 😀👍🏽 hello");
        TextStream stream = tokenizer.newTextStream();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            streamed.append(stream.push(id));
        }
        streamed.append(stream.flush());
        assertEquals(tokenizer.decode(ids), streamed.toString());
    }

    @Test
    void flushReleasesAnIncompleteCharacterAsReplacement() {
        TextStream stream = tokenizer.newTextStream();
        assertEquals("", stream.push(0xE2));
        assertEquals("\uFFFD", stream.flush());
    }

    @Test
    void reportsVocabularyAndEos() {
        assertEquals(ByteLevelBpeFixture.VOCABULARY_SIZE, tokenizer.vocabularySize());
        assertEquals(OptionalInt.of(ByteLevelBpeFixture.END_OF_TEXT), tokenizer.eosTokenId());
    }

    @Test
    void rejectsEosOutsideTheVocabulary() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new HuggingFaceTokenizer(tokenizerJson, OptionalInt.of(ByteLevelBpeFixture.VOCABULARY_SIZE)));
        assertEquals("eos token id " + ByteLevelBpeFixture.VOCABULARY_SIZE + " is outside the vocabulary of "
                + tokenizerJson + " (" + ByteLevelBpeFixture.VOCABULARY_SIZE + " ids)", error.getMessage());
    }
}
