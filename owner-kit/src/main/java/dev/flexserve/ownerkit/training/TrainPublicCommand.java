package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TokenizerAsset;
import dev.flexserve.model.tokenizer.ByteTokenizer;
import dev.flexserve.model.tokenizer.HuggingFaceTokenizer;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.tokenizer.BpeTrainer;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.model.weights.WeightSource;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.embedding.RoutingSpace;
import dev.flexserve.ownerkit.embedding.TrunkCentroids;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.ownerkit.packaging.Packages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import static dev.flexserve.model.weights.WeightNames.router;

@Command(name = "train-public", mixinStandardHelpOptions = true,
        description = {"Train the public dense model on public text and write it as a model set: <out>/trunk (publishing the",
                "domain projection) and <out>/public (the public expert, router row = the public text's domain embedding).",
                "With several --docs it trains the dense baseline on all of them."})
public final class TrainPublicCommand implements Callable<Integer> {
    @Option(names = "--docs", required = true, description = "Training text: a text file, a .jsonl file or a directory; repeat for a mixture (the first is the public text whose domain embedding becomes the public router row).")
    List<Path> docs;

    @Option(names = "--mix", split = ",", description = "Sampling weights of the --docs sources (default: equal).")
    List<Double> mix;

    @Option(names = "--out", required = true, description = "The model set directory to write (must not exist).")
    Path out;

    @Option(names = "--tokenizer", description = "A Hugging Face tokenizer.json (owner train-tokenizer); default: bytes.")
    Path tokenizer;

    @Option(names = "--hidden", defaultValue = "64", description = "d_model (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--layers", defaultValue = "4", description = "Layers (default: ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;
    @Option(names = "--kv-heads", defaultValue = "2", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
    int kvHeads;
    @Option(names = "--ffn", defaultValue = "256", description = "FFN width (default: ${DEFAULT-VALUE}).")
    int ffn;
    @Option(names = "--max-positions", defaultValue = "512", description = "Context (default: ${DEFAULT-VALUE}).")
    int maxPositions;
    @Option(names = "--served-experts", defaultValue = "5", description = "num_experts of the served model: 1 + owners' experts (default: ${DEFAULT-VALUE}).")
    int servedExperts;
    @Option(names = "--top-k", defaultValue = "2", description = "num_experts_per_tok of the served model (default: ${DEFAULT-VALUE}).")
    int topK;
    @Option(names = "--centroid-windows", defaultValue = "256", description = "Windows of public text the routing space is measured on (default: ${DEFAULT-VALUE}).")
    int centroidWindows;
    @Option(names = "--sharpness", defaultValue = "8", description = "Routing temperature in public spreads (RoutingSpace; default: ${DEFAULT-VALUE}).")
    double sharpness;
    @Option(names = "--from", description = "Continue training this model set's dense weights (the dense baseline) instead of starting from random ones.")
    Path from;
    @Option(names = "--description", defaultValue = "FlexServe demo public model (byte-level, trained with owner train-public)")
    String description;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new OwnerKitException(out + " already exists; choose a new --out");
        }
        if (mix != null && mix.size() != docs.size()) {
            throw new IllegalArgumentException("--mix needs one weight per --docs (" + docs.size() + ")");
        }
        TokenizerAsset asset = tokenizer == null ? TokenizerAsset.bytes() : TokenizerAsset.huggingFace(tokenizer);
        Tokenizer tok = tokenizer == null ? new ByteTokenizer() : new HuggingFaceTokenizer(tokenizer, OptionalInt.of(BpeTrainer.endOfText(tokenizer)));
        FlexOlmoConfig served = Architecture.config(tok, hidden, layers, heads, kvHeads, ffn, maxPositions, servedExperts, topK);
        FlexOlmoConfig dense = served.withExperts(1, 1);
        if (training.length > maxPositions) {
            throw new IllegalArgumentException("--length must not exceed --max-positions");
        }
        List<List<String>> sources = new ArrayList<>();
        for (Path p : docs) {
            sources.add(Documents.read(p));
        }
        TrainingData data = new TrainingData(tok);
        for (int i = 0; i < docs.size(); i++) {
            data.add(docs.get(i).toString(), sources.get(i), mix == null ? 1.0 : mix.get(i));
        }
        Path work = training.work(out);
        Files.createDirectories(work);
        WeightSource init = from == null ? Architecture.initial(dense, training.seed, new float[hidden]) : continued(dense);
        try (NDManager root = Torch.start(training.threads());
             TorchFlexOlmo model = new TorchFlexOlmo(dense, init, null, root)) {
            List<String> trainable = new ArrayList<>(model.allNames());
            trainable.removeAll(model.routerNames());
            model.setTrainable(trainable);
            long params = trainable.stream().mapToLong(n -> model.param(n).size()).sum();
            System.err.printf("train-public: %d trainable parameters, %d sources, %d steps of %d x %d tokens%s%n",
                    params, docs.size(), training.steps, training.batch, training.length, from == null ? "" : ", continuing " + from);
            long start = System.nanoTime();
            Trainer trainer = new Trainer("train-public", model, data, training.options(0, 0.01), work, System.err);
            trainer.run();
            System.err.printf("train-public: training took %.0f s%n", (System.nanoTime() - start) / 1e9);
            long t0 = System.nanoTime();
            TrainingData publicText = new TrainingData(tok).add(docs.get(0).toString(), sources.get(0), 1.0);
            RoutingSpace space = routingSpace(model, publicText);
            System.err.printf("train-public: routing space (%d dims) from %d windows of public text in %.1f s; temperatures %s%n",
                    space.dims(), centroidWindows, (System.nanoTime() - t0) / 1e9, java.util.Arrays.toString(temperatures(space)));
            write(served, model.export(), asset, space);
        }
        System.err.println("train-public: wrote " + out.resolve("trunk") + " and " + out.resolve(ExpertPackage.PUBLIC_ID));
        return 0;
    }

    /**
     * The routing space (RoutingSpace): the router input itself (identity projection), the public text's centroid in
     * it, and per layer the temperature {@code sharpness / s} where {@code s} is the mean squared distance of public
     * tokens' router inputs from that centroid: a domain one such distance further from a token than the public
     * centroid gets a logit {@code sharpness / 2} lower.
     */
    private RoutingSpace routingSpace(TorchFlexOlmo model, TrainingData publicText) {
        int layers = model.config().numHiddenLayers();
        int d = model.config().hiddenSize();
        int k = d;
        float[][] projection = new float[layers][];
        for (int l = 0; l < layers; l++) {
            projection[l] = identity(d);
        }
        float[][] centroids = TrunkCentroids.of(model, publicText, centroidWindows, training.length, training.seed);
        RoutingSpace unit = new RoutingSpace(d, k, projection, ones(layers), new float[layers][k]);
        float[][] m0 = new float[layers][];
        for (int l = 0; l < layers; l++) {
            m0[l] = unit.project(l, centroids[l]);
        }
        double[] spread = new double[layers];
        long[] n = new long[layers];
        TrunkCentroids.visit(model, publicText, centroidWindows, training.length, training.seed, (layer, rows, count) -> {
            for (int r = 0; r < count; r++) {
                float[] z = unit.project(layer, java.util.Arrays.copyOfRange(rows, r * d, (r + 1) * d));
                for (int j = 0; j < k; j++) {
                    double x = z[j] - m0[layer][j];
                    spread[layer] += x * x;
                }
            }
            n[layer] += count;
        });
        float[] tau = new float[layers];
        for (int l = 0; l < layers; l++) {
            tau[l] = (float) (sharpness / (spread[l] / n[l]));
        }
        return new RoutingSpace(d, k, projection, tau, m0);
    }

    private static float[] temperatures(RoutingSpace s) {
        float[] t = new float[s.layers()];
        for (int l = 0; l < t.length; l++) {
            t[l] = s.temperature(l);
        }
        return t;
    }

    private static float[] identity(int d) {
        float[] m = new float[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1f;
        }
        return m;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    /** The dense weights of the model set {@code --from}, to continue training (the dense baseline). */
    private WeightSource continued(FlexOlmoConfig dense) {
        ModelSet set = ModelSet.load(from);
        if (set.trunk().config().hiddenSize() != dense.hiddenSize() || set.trunk().config().numHiddenLayers() != dense.numHiddenLayers()
                || set.trunk().config().vocabSize() != dense.vocabSize() || set.trunk().config().intermediateSize() != dense.intermediateSize()) {
            throw new OwnerKitException(from + ": its architecture differs from the options given; pass the same --hidden, --layers, --ffn, --tokenizer");
        }
        return new PackageWeights(set.trunk(), List.of(set.experts().get(0)));
    }

    private void write(FlexOlmoConfig served, InMemoryWeights trained, TokenizerAsset asset, RoutingSpace space) throws Exception {
        // The served config has num_experts rows per router; the packages read row 0 (the public expert).
        InMemoryWeights w = new InMemoryWeights();
        for (String name : trained.names()) {
            if (!name.endsWith("mlp.gate.weight")) {
                w.put(name, trained.get(name, trained.shape(name)), trained.shape(name));
            }
        }
        for (int l = 0; l < served.numHiddenLayers(); l++) {
            float[] rows = new float[served.numExperts() * served.hiddenSize()];
            System.arraycopy(space.routerRow(l, space.publicCentroid(l)), 0, rows, 0, served.hiddenSize());
            w.put(router(l), rows, served.numExperts(), served.hiddenSize());
        }
        PackageWriter.Metadata meta = new PackageWriter.Metadata("flexserve-demo-public", "public", "CC0-1.0", description);
        AtomicDirectory.write(out, stage -> {
            String hash = Packages.writeTrunk(stage.resolve("trunk"), served, w, asset, space, meta);
            return new PackageWriter(served).writeExpert(stage.resolve(ExpertPackage.PUBLIC_ID), ExpertPackage.PUBLIC_ID, w, 0, null, hash, meta);
        });
    }
}
