package dev.flexserve.bench;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.tokenizer.ByteTokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The model shapes the benchmarks run on, all random-weight packages of the demo set's layout (byte-level trunk,
 * public expert, four owners' experts, top-2): {@code demo} is the committed demo shape (d=64); {@code wide} is a
 * realistic width scaled to fit a 2-core machine (d=1024, FFN 2816, 8 layers, 16 heads of 64, 8 KV heads), where an
 * expert's FFN is real work (17 MFLOP per row and layer).
 */
final class BenchModels {
    private BenchModels() {
    }

    static FlexOlmoConfig config(String shape) {
        return switch (shape) {
            case "demo" -> DemoModels.config();
            case "wide" -> new FlexOlmoConfig(ByteTokenizer.END_OF_TEXT + 1, 1024, 2816, 8, 16, 8, 64, DemoModels.EXPERTS, 2,
                    1e-6, 10000.0, 2048, ByteTokenizer.END_OF_TEXT);
            default -> throw new IllegalArgumentException("--shape is demo or wide, not '" + shape + "'");
        };
    }

    static void write(String shape, Path out) throws IOException {
        DemoModels.write(out, config(shape));
    }

    /** Router heap: the trunk's weights live in ONNX Runtime's native memory, the heap holds caches and buffers. */
    static String routerHeap(String shape) {
        return shape.equals("wide") ? "-Xmx2g" : "-Xmx1g";
    }

    static String expertHeap(String shape) {
        return "-Xmx256m";
    }
}
