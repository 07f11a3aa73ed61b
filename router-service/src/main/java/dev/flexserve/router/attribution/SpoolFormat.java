package dev.flexserve.router.attribution;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The framing of a spool segment: records one after another, each
 * {@code [length: int32][crc32c of the payload: int32][payload]} with the payload
 * {@code [key length: uint16][key: UTF-8][value]}, big-endian. A segment is read up to its first frame that is
 * incomplete, longer than {@link #MAX_PAYLOAD}, empty, or fails its CRC: a crash while appending leaves at most such
 * a torn tail, and everything before it is intact (each append was fsynced before it was confirmed).
 */
final class SpoolFormat {
    static final int HEADER = 8;
    static final int MAX_PAYLOAD = 16 << 20;

    /** The records of a segment's valid prefix and that prefix's length in bytes. */
    record Scan(List<SpoolRecord> records, int validBytes) {
    }

    private SpoolFormat() {
    }

    static ByteBuffer frames(List<SpoolRecord> records) {
        int size = 0;
        List<byte[]> keys = new ArrayList<>(records.size());
        for (SpoolRecord r : records) {
            byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
            if (key.length == 0 || key.length > 0xFFFF || r.value().length == 0
                    || 2L + key.length + r.value().length > MAX_PAYLOAD) {
                throw new IllegalArgumentException("a spool record needs a key of 1 to 65535 bytes and a value, at most "
                        + MAX_PAYLOAD + " bytes together");
            }
            keys.add(key);
            size += HEADER + 2 + key.length + r.value().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (int i = 0; i < records.size(); i++) {
            byte[] key = keys.get(i);
            byte[] value = records.get(i).value();
            int length = 2 + key.length + value.length;
            int start = out.position();
            out.putInt(length).putInt(0).putShort((short) key.length).put(key).put(value);
            CRC32C crc = new CRC32C();
            crc.update(out.array(), start + HEADER, length);
            out.putInt(start + 4, (int) crc.getValue());
        }
        return out.flip();
    }

    static Scan scan(byte[] segment) {
        List<SpoolRecord> records = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(segment);
        while (in.remaining() >= HEADER) {
            int start = in.position();
            int length = in.getInt();
            int expectedCrc = in.getInt();
            if (length < 3 || length > MAX_PAYLOAD || length > in.remaining()) {
                return new Scan(records, start);
            }
            CRC32C crc = new CRC32C();
            crc.update(segment, start + HEADER, length);
            int keyLength = Short.toUnsignedInt(in.getShort());
            if ((int) crc.getValue() != expectedCrc || keyLength == 0 || keyLength > length - 3) {
                return new Scan(records, start);
            }
            byte[] key = new byte[keyLength];
            in.get(key);
            byte[] value = new byte[length - 2 - keyLength];
            in.get(value);
            records.add(new SpoolRecord(new String(key, StandardCharsets.UTF_8), value));
        }
        return new Scan(records, in.position());
    }
}
