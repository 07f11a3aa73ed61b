package dev.flexserve.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteTokenizerTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "héllo wörld", "日本語のテキスト", "emoji 😀 and 👍🏽 and 🇪🇺"})
    void roundTripsUtf8Bytes(String text) {
        int[] ids = tokenizer.encode(text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(bytes.length, ids.length);
        for (int i = 0; i < bytes.length; i++) {
            assertEquals(Byte.toUnsignedInt(bytes[i]), ids[i]);
        }
        assertEquals(text, tokenizer.decode(ids));
    }

    @Test
    void decodeSkipsSpecialIdsAndReplacesInvalidBytes() {
        assertEquals("hi", tokenizer.decode(new int[] {'h', ByteTokenizer.END_OF_TEXT, 'i', 300}));
        assertEquals("\uFFFDA", tokenizer.decode(new int[] {0xE2, 'A'}));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {-1}));
    }

    @Test
    void describesItsVocabulary() {
        assertEquals(257, tokenizer.vocabularySize());
        assertEquals(OptionalInt.of(256), tokenizer.eosTokenId());
    }

    @Test
    void streamEmitsAFourByteCharacterOnlyOnItsLastByte() {
        TextStream stream = tokenizer.newTextStream();
        assertEquals("a", stream.push('a'));
        int[] emoji = tokenizer.encode("😀");
        assertEquals(4, emoji.length);
        for (int i = 0; i < 3; i++) {
            assertEquals("", stream.push(emoji[i]), "byte " + i);
        }
        assertEquals("😀", stream.push(emoji[3]));
        assertEquals("", stream.push(ByteTokenizer.END_OF_TEXT));
        assertEquals("", stream.flush());
    }

    @Test
    void flushReleasesAnIncompleteCharacter() {
        TextStream stream = tokenizer.newTextStream();
        assertEquals("", stream.push(0xF0));
        assertEquals("", stream.push(0x9F));
        assertEquals("\uFFFD", stream.flush());
        assertEquals("b", stream.push('b'));
    }

    /** Random bytes, mostly invalid UTF-8: streaming must agree with decoding everything at once. */
    @Test
    void streamedTextEqualsDecodedTextForArbitraryBytes() {
        Random random = new Random(7);
        for (int run = 0; run < 2_000; run++) {
            int[] ids = new int[random.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                // Bias towards bytes that start or continue multi-byte characters.
                ids[i] = random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(257);
            }
            TextStream stream = tokenizer.newTextStream();
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                streamed.append(stream.push(id));
            }
            streamed.append(stream.flush());
            assertEquals(tokenizer.decode(ids), streamed.toString(), () -> "ids " + Arrays.toString(ids));
        }
    }

    @Test
    void streamNeverEmitsReplacementForValidText() {
        TextStream stream = tokenizer.newTextStream();
        StringBuilder streamed = new StringBuilder();
        for (int id : tokenizer.encode("ünïcödé 日本 😀👍🏽")) {
            String piece = stream.push(id);
            assertEquals(-1, piece.indexOf('\uFFFD'), "piece " + piece);
            streamed.append(piece);
        }
        assertEquals("ünïcödé 日本 😀👍🏽", streamed.toString());
    }
}
