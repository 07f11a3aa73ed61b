package dev.flexserve.model.packages;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.onnx.FlexOlmoGraphs;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.model.weights.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.flexserve.model.weights.WeightNames.postFeedforwardNorm;
import static dev.flexserve.model.weights.WeightNames.router;

/**
 * Writes trunk and expert packages from weights in Hugging Face layout, each all or nothing
 * ({@link AtomicDirectory}), so a failed write never leaves a half package that could later be loaded.
 */
public final class PackageWriter {
    /** Tensors of at least this many bytes go to external data files (keeps graphs far below protobuf's 2 GB). */
    public static final long DEFAULT_EXTERNAL_THRESHOLD = 64L << 20;

    public record Metadata(String baseModel, String owner, String licence, String description) {
    }

    private final FlexOlmoConfig config;
    private final FlexOlmoGraphs graphs;
    private final long externalThreshold;

    public PackageWriter(FlexOlmoConfig config, long externalThresholdBytes) {
        this.config = config;
        this.graphs = new FlexOlmoGraphs(config);
        this.externalThreshold = externalThresholdBytes;
    }

    public PackageWriter(FlexOlmoConfig config) {
        this(config, DEFAULT_EXTERNAL_THRESHOLD);
    }

    /** Writes the trunk and returns its content hash, which every expert package must carry as base_hash. */
    public String writeTrunk(Path dir, WeightSource w, TokenizerAsset tokenizer, Metadata meta) throws IOException {
        return writeTrunk(dir, w, tokenizer, meta, tmp -> null);
    }

    /**
     * As {@link #writeTrunk(Path, WeightSource, TokenizerAsset, Metadata)}, with files of the caller's ({@code extra}
     * writes them into the package directory before the manifest is made), which are listed and hashed like the
     * package's own.
     */
    public String writeTrunk(Path dir, WeightSource w, TokenizerAsset tokenizer, Metadata meta,
                             AtomicDirectory.Contents<?> extra) throws IOException {
        int layers = config.numHiddenLayers();
        int d = config.hiddenSize();
        return AtomicDirectory.write(dir, tmp -> {
            graphs.embedding(w).write(tmp.resolve(PackageFiles.EMBEDDING), externalThreshold);
            graphs.head(w).write(tmp.resolve(PackageFiles.HEAD), externalThreshold);
            float[] norms = new float[layers * d];
            for (int l = 0; l < layers; l++) {
                graphs.attention(w, l).write(layerFile(tmp, PackageFiles.attention(l)), externalThreshold);
                System.arraycopy(w.get(postFeedforwardNorm(l), d), 0, norms, l * d, d);
            }
            new SafetensorsWriter()
                    .add(PackageFiles.POST_FFN_NORM, DType.F32, norms, layers, d)
                    .add(PackageFiles.ROUTER, DType.F32, routerRows(w, 0), layers, d)
                    .write(tmp.resolve(PackageFiles.TRUNK_TENSORS));
            if (tokenizer.file() != null) {
                Files.copy(tokenizer.file(), tmp.resolve(PackageFiles.HF_TOKENIZER));
            }
            extra.write(tmp);
            return finish(tmp, new Manifest(Manifest.FORMAT_VERSION, "trunk", Manifest.TRUNK, meta.owner(), meta.baseModel(), null,
                    dims(config.intermediateSize()), "float32", meta.licence(), meta.description(), config.toJson(),
                    tokenizer.spec(), null));
        });
    }

    /**
     * Writes expert {@code expertIndex} of the weights (its FFN in every layer and its router rows) as package
     * {@code id}. {@code bias} is the per-layer router logit bias (non-positive) or null for none.
     */
    public String writeExpert(Path dir, String id, WeightSource w, int expertIndex, float[] bias, String trunkHash,
                              Metadata meta) throws IOException {
        int layers = config.numHiddenLayers();
        if (bias != null) {
            ExpertPackage.checkBias(dir, bias, layers);
        }
        return AtomicDirectory.write(dir, tmp -> {
            for (int l = 0; l < layers; l++) {
                graphs.expertFfn(w, l, expertIndex, config.intermediateSize()).write(layerFile(tmp, PackageFiles.ffn(l)), externalThreshold);
            }
            SafetensorsWriter tensors = new SafetensorsWriter()
                    .add(PackageFiles.ROUTER, DType.F32, routerRows(w, expertIndex), layers, config.hiddenSize());
            if (bias != null) {
                tensors.add(PackageFiles.BIAS, DType.F32, bias, layers);
            }
            tensors.write(tmp.resolve(PackageFiles.EXPERT_TENSORS));
            return finish(tmp, new Manifest(Manifest.FORMAT_VERSION, id, Manifest.EXPERT, meta.owner(), meta.baseModel(), trunkHash,
                    dims(config.intermediateSize()), "float32", meta.licence(), meta.description(), null, null, null));
        });
    }

    private float[] routerRows(WeightSource w, int expertIndex) {
        int layers = config.numHiddenLayers();
        int d = config.hiddenSize();
        float[] rows = new float[layers * d];
        for (int l = 0; l < layers; l++) {
            float[] all = w.get(router(l), config.numExperts(), d);
            System.arraycopy(all, expertIndex * d, rows, l * d, d);
        }
        return rows;
    }

    private Manifest.Dims dims(int intermediate) {
        return new Manifest.Dims(config.hiddenSize(), intermediate, config.numHiddenLayers());
    }

    private static Path layerFile(Path tmp, String name) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        return file;
    }

    private static String finish(Path tmp, Manifest manifest) throws IOException {
        SortedMap<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(tmp)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                files.put(tmp.relativize(p).toString().replace('\\', '/'), ContentHash.ofFile(p));
            }
        }
        manifest.withFiles(files).write(tmp);
        return ContentHash.ofPackage(files);
    }
}
