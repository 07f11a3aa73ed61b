package dev.flexserve.model.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text stream of {@link ByteTokenizer}. It relies on {@link CharsetDecoder}'s own incremental mode
 * (bytes of an unfinished character stay in the input buffer until more arrive), so the streamed text is
 * the same as decoding all bytes at once, malformed input included, without UTF-8 logic of our own.
 */
final class Utf8TextStream implements TextStream {

    /** A UTF-8 character has at most 4 bytes; the decoder keeps at most 3 of them waiting. */
    private final ByteBuffer pendingBytes = ByteBuffer.allocate(4);
    /** Room for the worst case of one push: 4 malformed bytes, each replaced by U+FFFD. */
    private final CharBuffer decoded = CharBuffer.allocate(4);
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);

    @Override
    public String push(int tokenId) {
        if (!ByteTokenizer.isByte(tokenId)) {
            return "";
        }
        pendingBytes.put((byte) tokenId);
        return decodePending(false);
    }

    @Override
    public String flush() {
        String rest = decodePending(true);
        decoder.reset();
        return rest;
    }

    private String decodePending(boolean endOfInput) {
        pendingBytes.flip();
        CoderResult result = decoder.decode(pendingBytes, decoded, endOfInput);
        if (endOfInput) {
            decoder.flush(decoded);
        }
        pendingBytes.compact();
        if (result.isOverflow()) {
            throw new IllegalStateException("UTF-8 stream produced more characters than one push can");
        }
        decoded.flip();
        String text = decoded.toString();
        decoded.clear();
        return text;
    }
}
