package dev.flexserve.model.packages;

import dev.flexserve.model.config.ConfigException;
import dev.flexserve.model.config.FlexOlmoConfig;

import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.model.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A verified trunk package: the shared part of the model (embedding, attention, norms, head, tokenizer) and the
 * public expert's router rows. Loading it checks every file hash and graph; it opens no ONNX sessions.
 */
public final class TrunkPackage {
    private final Path dir;
    private final Manifest manifest;
    private final FlexOlmoConfig config;
    private final String hash;
    private final float[][] postFeedforwardNorm;
    private final float[][] publicRouter;

    private TrunkPackage(Path dir, Manifest manifest, FlexOlmoConfig config, float[][] postFfnNorm, float[][] publicRouter) {
        this.dir = dir;
        this.manifest = manifest;
        this.config = config;
        this.hash = ContentHash.ofPackage(manifest.files());
        this.postFeedforwardNorm = postFfnNorm;
        this.publicRouter = publicRouter;
    }

    public static TrunkPackage load(Path dir) {
        Manifest m = Manifest.read(dir);
        if (!m.isTrunk()) {
            throw new PackageException(dir + ": is an expert package, not a trunk");
        }
        FlexOlmoConfig config;
        try {
            config = FlexOlmoConfig.fromJson(m.config());
        } catch (ConfigException e) {
            throw new PackageException(dir + ": trunk config is invalid: " + e.getMessage());
        }
        if (m.dims().hiddenSize() != config.hiddenSize() || m.dims().numHiddenLayers() != config.numHiddenLayers()) {
            throw new PackageException(dir + ": manifest dims do not match the trunk config");
        }
        List<String> required = new ArrayList<>(List.of(PackageFiles.EMBEDDING, PackageFiles.HEAD, PackageFiles.TRUNK_TENSORS));
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            required.add(PackageFiles.attention(l));
        }
        if (m.tokenizer().file() != null) {
            required.add(m.tokenizer().file());
        }
        PackageVerifier.verify(dir, m, required);
        try (PackageTensors t = PackageTensors.open(dir, PackageFiles.TRUNK_TENSORS)) {
            int layers = config.numHiddenLayers();
            int d = config.hiddenSize();
            return new TrunkPackage(dir, m, config, t.rows(PackageFiles.POST_FFN_NORM, layers, d),
                    t.rows(PackageFiles.ROUTER, layers, d));
        }
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

    public FlexOlmoConfig config() {
        return config;
    }

    /** The content hash that expert packages name as their base_hash. */
    public String hash() {
        return hash;
    }

    /** Opens the package's tokenizer; the caller closes it. */
    public Tokenizer openTokenizer() {
        Integer eos = config.eosTokenId();
        try {
            Tokenizer tokenizer = Tokenizers.load(manifest.tokenizer(), dir, eos == null ? OptionalInt.empty() : OptionalInt.of(eos));
            if (tokenizer.handlesText() && tokenizer.vocabularySize() > config.vocabSize()) {
                tokenizer.close();
                throw new PackageException(dir + ": the tokenizer has " + tokenizer.vocabularySize()
                        + " tokens, more than the model's vocab_size " + config.vocabSize());
            }
            return tokenizer;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read the tokenizer", e);
        } catch (PackageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new PackageException(dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code [layer][hidden]}. */
    public float[][] postFeedforwardNorm() {
        return postFeedforwardNorm;
    }

    /** {@code [layer][hidden]}: the public expert's router rows, the frozen anchor every expert was trained against. */
    public float[][] publicRouter() {
        return publicRouter;
    }
}
