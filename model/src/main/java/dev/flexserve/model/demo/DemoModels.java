package dev.flexserve.model.demo;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;
import dev.flexserve.model.tokenizer.ByteTokenizer;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.RandomWeights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Deterministic random-weight demo packages: a byte-level trunk, the public expert and four owners' experts.
 * They let every part of the platform run before trained models exist; their text is noise. The same seed gives
 * byte-identical packages (and so the same content hashes) on every machine.
 */
public final class DemoModels {
    public static final long SEED = 20251125L;
    public static final int EXPERTS = 5;

    private DemoModels() {
    }

    public static FlexOlmoConfig config() {
        return new FlexOlmoConfig(ByteTokenizer.END_OF_TEXT + 1, 64, 128, 4, 4, 2, 16, EXPERTS, 2, 1e-6, 10000.0,
                2048, ByteTokenizer.END_OF_TEXT);
    }

    /** Writes {@code out/trunk}, {@code out/public} and {@code out/expert-1 .. expert-4}, all or nothing. */
    public static void write(Path out) throws IOException {
        write(out, config());
    }

    /**
     * The same set of random-weight packages for another shape (byte-level vocabulary, {@link #EXPERTS} experts), e.g.
     * for benchmarks at a realistic width.
     */
    public static void write(Path out, FlexOlmoConfig config) throws IOException {
        InMemoryWeights weights = RandomWeights.generate(config, SEED);
        PackageWriter writer = new PackageWriter(config);
        AtomicDirectory.write(out, tmp -> {
            String trunkHash = writer.writeTrunk(tmp.resolve("trunk"), weights, TokenizerAsset.bytes(),
                    new PackageWriter.Metadata("flexserve-demo", "public", "CC0-1.0", "random-weight demo trunk (byte-level)"));
            for (int e = 0; e < EXPERTS; e++) {
                String id = e == 0 ? "public" : "expert-" + e;
                float[] bias = e == 0 ? null : constant(config.numHiddenLayers(), -0.1f * e);
                writer.writeExpert(tmp.resolve(id), id, weights, e, bias, trunkHash,
                        new PackageWriter.Metadata("flexserve-demo", e == 0 ? "public" : "demo-org-" + e, "CC0-1.0",
                                "random-weight demo expert " + e));
            }
            return null;
        });
    }

    private static float[] constant(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
