package dev.flexserve.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * The tokenizer of the byte-level demo models: ids 0..255 are the bytes of the UTF-8 encoding, id 256 is
 * {@code <|endoftext|>}. It needs no vocabulary file and can encode any text.
 */
public final class ByteTokenizer implements Tokenizer {

    /** The id of {@code <|endoftext|>}, which ends generation. */
    public static final int END_OF_TEXT = 256;

    private static final int VOCABULARY_SIZE = END_OF_TEXT + 1;

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = Byte.toUnsignedInt(bytes[i]);
        }
        return ids;
    }

    /**
     * Decodes the byte ids, skipping special ids (256 and above, which a padded model may also emit);
     * invalid UTF-8 becomes U+FFFD exactly as {@code new String(bytes, UTF_8)} does.
     *
     * @throws IllegalArgumentException for a negative id
     */
    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int length = 0;
        for (int id : ids) {
            if (isByte(id)) {
                bytes[length++] = (byte) id;
            }
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public TextStream newTextStream() {
        return new Utf8TextStream();
    }

    @Override
    public OptionalInt eosTokenId() {
        return OptionalInt.of(END_OF_TEXT);
    }

    @Override
    public int vocabularySize() {
        return VOCABULARY_SIZE;
    }

    /** Whether {@code id} is a byte (true) or a special id (false). */
    static boolean isByte(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id must be >= 0, got " + id);
        }
        return id < END_OF_TEXT;
    }
}
