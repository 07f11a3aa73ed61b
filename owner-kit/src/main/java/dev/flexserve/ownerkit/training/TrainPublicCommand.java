package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.embedding.DomainEmbedder;
import dev.flexserve.ownerkit.embedding.DomainEmbedding;
import dev.flexserve.ownerkit.embedding.DomainProjection;
import dev.flexserve.ownerkit.packaging.Packages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    @Option(names = "--embed-sample", defaultValue = "1000", description = "Documents sampled for the public domain embedding (default: ${DEFAULT-VALUE}).")
    int embedSample;
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
        FlexOlmoConfig served = Architecture.config(hidden, layers, heads, kvHeads, ffn, maxPositions, servedExperts, topK);
        FlexOlmoConfig dense = served.withExperts(1, 1);
        if (training.length > maxPositions) {
            throw new IllegalArgumentException("--length must not exceed --max-positions");
        }
        List<List<String>> sources = new ArrayList<>();
        for (Path p : docs) {
            sources.add(Documents.read(p));
        }
        TrainingData data = new TrainingData();
        for (int i = 0; i < docs.size(); i++) {
            data.add(docs.get(i).toString(), sources.get(i), mix == null ? 1.0 : mix.get(i));
        }
        Path work = training.work(out);
        Files.createDirectories(work);
        DomainProjection projection = DomainProjection.random(hidden, DomainEmbedder.WIDTH, DomainProjection.SEED);
        long t0 = System.nanoTime();
        DomainEmbedding embedding = DomainEmbedding.compute(sources.get(0), embedSample, training.seed, projection, null);
        embedding.write(work.resolve("public.domain-embedding.json"));
        System.err.printf("train-public: public domain embedding of %d documents in %.1f s%n", embedding.documents(), (System.nanoTime() - t0) / 1e9);

        InMemoryWeights init = Architecture.initial(dense, training.seed, embedding.routerRow());
        try (NDManager root = Torch.start(training.threads());
             TorchFlexOlmo model = new TorchFlexOlmo(dense, init, null, root)) {
            List<String> trainable = new ArrayList<>(model.allNames());
            trainable.removeAll(model.routerNames());
            model.setTrainable(trainable);
            long params = trainable.stream().mapToLong(n -> model.param(n).size()).sum();
            System.err.printf("train-public: %d trainable parameters, %d sources, %d steps of %d x %d tokens%n",
                    params, docs.size(), training.steps, training.batch, training.length);
            long start = System.nanoTime();
            new Trainer("train-public", model, data, training.options(0, 0.01), work, System.err).run();
            System.err.printf("train-public: training took %.0f s%n", (System.nanoTime() - start) / 1e9);
            write(served, model.export(), projection, embedding.routerRow());
        }
        System.err.println("train-public: wrote " + out.resolve("trunk") + " and " + out.resolve(ExpertPackage.PUBLIC_ID));
        return 0;
    }

    private void write(FlexOlmoConfig served, InMemoryWeights trained, DomainProjection projection, float[] publicRow) throws Exception {
        // The served config has num_experts rows per router; the packages read row 0 (the public expert).
        InMemoryWeights w = new InMemoryWeights();
        for (String name : trained.names()) {
            if (!name.endsWith("mlp.gate.weight")) {
                w.put(name, trained.get(name, trained.shape(name)), trained.shape(name));
            }
        }
        for (int l = 0; l < served.numHiddenLayers(); l++) {
            float[] rows = new float[served.numExperts() * served.hiddenSize()];
            System.arraycopy(publicRow, 0, rows, 0, served.hiddenSize());
            w.put(router(l), rows, served.numExperts(), served.hiddenSize());
        }
        PackageWriter.Metadata meta = new PackageWriter.Metadata("flexserve-demo-public", "public", "CC0-1.0", description);
        Path stage = out.resolveSibling("." + out.getFileName() + ".partial-" + System.nanoTime());
        Files.createDirectories(stage);
        try {
            String hash = Packages.writeTrunk(stage.resolve("trunk"), served, w, projection, meta);
            new PackageWriter(served).writeExpert(stage.resolve(ExpertPackage.PUBLIC_ID), ExpertPackage.PUBLIC_ID, w, 0, null, hash, meta);
            Files.move(stage, out);
        } catch (Exception e) {
            Packages.deleteTree(stage);
            throw e;
        }
    }
}
