package dev.flexserve.model.packages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A verified expert package bound to a trunk: its FFN graph per layer, its router rows per layer and its optional
 * non-positive router bias. The public expert is an expert package too (id {@code public}); it must carry no bias
 * and exactly the trunk's public router rows.
 */
public final class ExpertPackage {
    public static final String PUBLIC_ID = "public";

    private final Path dir;
    private final Manifest manifest;
    private final String hash;
    private final float[][] router;
    private final float[] bias;

    private ExpertPackage(Path dir, Manifest manifest, float[][] router, float[] bias) {
        this.dir = dir;
        this.manifest = manifest;
        this.hash = ContentHash.ofPackage(manifest.files());
        this.router = router;
        this.bias = bias;
    }

    /** Loads and verifies the package in {@code dir} against the trunk it must have been trained against. */
    public static ExpertPackage load(Path dir, TrunkPackage trunk) {
        return load(dir, trunk.hash(), trunk.config().hiddenSize(), trunk.config().numHiddenLayers(), trunk.publicRouter());
    }

    /**
     * Loads and verifies the package for a process that serves only this expert (an expert-service): every file
     * hash, graph and tensor shape is checked against the package's own dims, and its base hash must equal
     * {@code expectedBaseHash}. The router checks dims against the trunk when the expert is registered.
     */
    public static ExpertPackage loadForServing(Path dir, String expectedBaseHash) {
        Manifest m = Manifest.read(dir);
        return load(dir, expectedBaseHash, m.dims().hiddenSize(), m.dims().numHiddenLayers(), null);
    }

    private static ExpertPackage load(Path dir, String trunkHash, int d, int layers, float[][] publicRouter) {
        Manifest m = Manifest.read(dir);
        if (m.isTrunk()) {
            throw new PackageException(dir + ": is a trunk package, not an expert");
        }
        if (!m.baseHash().equals(trunkHash)) {
            throw new PackageException(dir + ": expert '" + m.id() + "' was built against trunk " + m.baseHash()
                    + ", but the loaded trunk is " + trunkHash);
        }
        if (m.dims().hiddenSize() != d || m.dims().numHiddenLayers() != layers) {
            throw new PackageException(dir + ": expert '" + m.id() + "' has hidden_size " + m.dims().hiddenSize() + " and "
                    + m.dims().numHiddenLayers() + " layers, the trunk has " + d + " and " + layers);
        }
        if (m.dims().intermediateSize() < 1) {
            throw new PackageException(dir + ": expert '" + m.id() + "' has no valid intermediate_size");
        }
        List<String> required = new ArrayList<>(List.of(PackageFiles.EXPERT_TENSORS));
        for (int l = 0; l < layers; l++) {
            required.add(PackageFiles.ffn(l));
        }
        PackageVerifier.verify(dir, m, required);
        float[][] router;
        float[] bias = null;
        try (PackageTensors t = PackageTensors.open(dir, PackageFiles.EXPERT_TENSORS)) {
            router = t.rows(PackageFiles.ROUTER, layers, d);
            if (t.has(PackageFiles.BIAS)) {
                bias = t.vector(PackageFiles.BIAS, layers);
                checkBias(dir, bias, layers);
            }
        }
        if (m.id().equals(PUBLIC_ID)) {
            if (bias != null) {
                throw new PackageException(dir + ": the public expert must not carry a router bias");
            }
            if (publicRouter != null && !Arrays.deepEquals(router, publicRouter)) {
                throw new PackageException(dir + ": the public expert's router rows differ from the trunk's");
            }
        }
        return new ExpertPackage(dir, m, router, bias);
    }

    static void checkBias(Path dir, float[] bias, int layers) {
        if (bias.length != layers) {
            throw new PackageException(dir + ": router bias has " + bias.length + " values, expected one per layer (" + layers + ")");
        }
        for (float b : bias) {
            if (!(b <= 0) || Float.isInfinite(b)) {
                throw new PackageException(dir + ": router bias must be finite and <= 0, got " + b);
            }
        }
    }

    public String id() {
        return manifest.id();
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return PackageVerifier.resolveInside(dir, name);
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The content hash of this package (the registry's record of exactly what was contributed). */
    public String hash() {
        return hash;
    }

    public int intermediateSize() {
        return manifest.dims().intermediateSize();
    }

    /** {@code [layer][hidden]}. */
    public float[][] router() {
        return router;
    }

    /** {@code [layer]} or null when the expert has no bias. */
    public float[] bias() {
        return bias;
    }
}
