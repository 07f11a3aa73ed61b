package dev.flexserve.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes float tensors as a safetensors file in F32, F16 or BF16 (packages store F32; tests write the others). */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String name, DType dtype, long[] shape, float[] values) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public SafetensorsWriter add(String name, DType dtype, float[] values, long... shape) {
        entries.add(new Entry(name, dtype, shape.clone(), values));
        return this;
    }

    public void write(Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = header.putObject(e.name);
            t.put("dtype", e.dtype.name());
            for (long d : e.shape) {
                t.withArray("shape").add(d);
            }
            if (e.shape.length == 0) {
                t.putArray("shape");
            }
            long bytes = (long) e.values.length * e.dtype.bytes();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        // The format asks for the data to start 8-byte aligned; pad the header with spaces.
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            headerBytes[i] = ' ';
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (Entry e : entries) {
                ByteBuffer buf = ByteBuffer.allocate(e.values.length * e.dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                e.dtype.encode(e.values, buf);
                out.write(buf.array());
            }
        }
    }
}
