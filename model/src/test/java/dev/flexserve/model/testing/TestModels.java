package dev.flexserve.model.testing;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;
import dev.flexserve.model.weights.WeightSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Writes test models as FlexServe packages: a trunk and one expert package per chosen expert index. */
public final class TestModels {
    private TestModels() {
    }

    public static final PackageWriter.Metadata META = new PackageWriter.Metadata("test-base", "test-owner", "CC0", "test model");

    public static FlexOlmoConfig config(int heads, int kvHeads, int experts, int k) {
        return config(heads, kvHeads, experts, k, 1e-6);
    }

    public static FlexOlmoConfig config(int heads, int kvHeads, int experts, int k, double rmsNormEps) {
        return new FlexOlmoConfig(61, 32, 48, 2, heads, kvHeads, 32 / heads, experts, k, rmsNormEps, 10000.0, 256, null);
    }

    /**
     * Writes the trunk and the experts with the given HF indices ({@code public} for 0, {@code expert-<i>} otherwise)
     * into {@code dir}.
     *
     * @param bias per HF expert index, null entries for none; may be null
     */
    public static Path write(Path dir, FlexOlmoConfig config, WeightSource weights, float[][] bias, int... expertIndices) {
        try {
            PackageWriter writer = new PackageWriter(config, 1L << 40);
            String hash = writer.writeTrunk(dir.resolve("trunk"), weights, TokenizerAsset.none(), META);
            for (int e : expertIndices) {
                String id = e == 0 ? "public" : "expert-" + e;
                writer.writeExpert(dir.resolve(id), id, weights, e, bias == null ? null : bias[e], hash, META);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] all(int experts) {
        int[] a = new int[experts];
        for (int i = 0; i < experts; i++) {
            a[i] = i;
        }
        return a;
    }
}
