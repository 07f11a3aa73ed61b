package dev.flexserve.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void halfPrecisionBitPatterns() {
        // IEEE 754 binary16 values from the standard's tables.
        assertEquals(1.0f, DType.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, DType.halfToFloat((short) 0xC000));
        assertEquals(65504f, DType.halfToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, DType.halfToFloat((short) 0x0001));
        assertEquals(0x1p-14f, DType.halfToFloat((short) 0x0400));
        assertEquals(Float.POSITIVE_INFINITY, DType.halfToFloat((short) 0x7C00));
        assertEquals((short) 0x3555, DType.floatToHalf(1f / 3));
        assertEquals((short) 0x0001, DType.floatToHalf(0x1p-24f));
        assertEquals((short) 0x7C00, DType.floatToHalf(1e6f));
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, DType.floatToBfloat16(1.0f));
        // 1 + 2^-8 lies exactly between two bf16 values: ties go to the even mantissa (1.0).
        assertEquals((short) 0x3F80, DType.floatToBfloat16(1f + 0x1p-8f));
        // 1 + 3 * 2^-8 lies between 1 + 2^-7 (odd) and 1 + 2^-6 (even): it rounds up to the even one.
        assertEquals((short) 0x3F82, DType.floatToBfloat16(1f + 3 * 0x1p-8f));
    }

    @Test
    void roundTripsEachDtype() throws IOException {
        float[] values = {0f, 1f, -2.5f, 0.1f, 1000f, -1e-3f};
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter()
                .add("f32", DType.F32, values, 2, 3)
                .add("bf16", DType.BF16, values, 6)
                .add("f16", DType.F16, values, 3, 2)
                .write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(values, f.read("f32"));
            assertArrayEquals(new long[]{3, 2}, f.tensors().get("f16").shape());
            float[] bf = f.read("bf16");
            float[] h = f.read("f16");
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], bf[i], Math.abs(values[i]) * 0x1p-8f, "bf16 " + i);
                assertEquals(values[i], h[i], Math.abs(values[i]) * 0x1p-11f + 1e-7f, "f16 " + i);
            }
            SafetensorsFile.TensorInfo info = f.tensors().get("f32");
            assertArrayEquals(new float[]{-2.5f, 0.1f}, f.read(info, 2, 2));
        }
    }

    @Test
    void refusesHeaderLongerThanTheFile() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        Exception e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file));
        assertThat(e.getMessage()).contains("invalid header length 1000");
    }

    @Test
    void refusesTensorWhoseBytesDoNotMatchItsShape() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        Path file = dir.resolve("shape.safetensors");
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
        Files.write(file, buf.array());
        Exception e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file));
        assertThat(e.getMessage()).contains("tensor w has 8 bytes but shape [3] of F32 needs 12");
    }

    @Test
    void refusesUnsupportedDtype() throws IOException {
        String header = "{\"w\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        Path file = dir.resolve("i8.safetensors");
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length() + 1).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
        Files.write(file, buf.array());
        Exception e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file));
        assertThat(e.getMessage()).contains("dtype I8");
    }
}
