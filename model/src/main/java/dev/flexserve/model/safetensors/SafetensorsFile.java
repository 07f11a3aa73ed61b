package dev.flexserve.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a safetensors file (an 8-byte little-endian header length, a JSON header, then the raw tensor data).
 * The header is checked against the file size when opened, so a truncated or inconsistent file is refused
 * before any tensor is used; tensors are read one at a time with positional reads (shards of tens of GB are
 * never mapped or loaded as a whole).
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsException(path + ": not a safetensors file (only " + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new SafetensorsException(path + ": invalid header length " + headerLen + " for a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(header.array());
            } catch (IOException e) {
                throw new SafetensorsException(path + ": header is not valid JSON");
            }
            if (root == null || !root.isObject()) {
                throw new SafetensorsException(path + ": header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(e.getKey(), parseInfo(path, e.getKey(), e.getValue(), dataSize));
            }
            return new SafetensorsFile(path, ch, dataStart, Collections.unmodifiableMap(tensors));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static TensorInfo parseInfo(Path path, String name, JsonNode n, long dataSize) {
        JsonNode shapeNode = n.get("shape");
        JsonNode offsets = n.get("data_offsets");
        if (shapeNode == null || !shapeNode.isArray() || offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw new SafetensorsException(path + ": tensor " + name + " has a malformed header entry");
        }
        DType dtype = DType.parse(n.path("dtype").asText(), name);
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new SafetensorsException(path + ": tensor " + name + " has a negative dimension");
            }
            elements = Math.multiplyExact(elements, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new SafetensorsException(path + ": tensor " + name + " lies outside the file (bytes " + begin + ".." + end
                    + " of " + dataSize + "); the file is truncated or corrupt");
        }
        if (end - begin != elements * dtype.bytes()) {
            throw new SafetensorsException(path + ": tensor " + name + " has " + (end - begin) + " bytes but shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + elements * dtype.bytes());
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Path path() {
        return path;
    }

    /** The tensor converted to float32, row-major. */
    public float[] read(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new SafetensorsException(path + ": no tensor " + name);
        }
        return read(info, 0, info.elements());
    }

    /** Elements {@code [from, from + count)} of the tensor in row-major order, converted to float32. */
    public float[] read(TensorInfo info, long from, long count) {
        if (from < 0 || count < 0 || from + count > info.elements()) {
            throw new SafetensorsException(path + ": range outside tensor " + info.name());
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(count * info.dtype().bytes())).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(channel, buf, dataStart + info.begin() + from * info.dtype().bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read tensor " + info.name(), e);
        }
        buf.flip();
        float[] out = new float[(int) count];
        info.dtype().decode(buf, out);
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new SafetensorsException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
