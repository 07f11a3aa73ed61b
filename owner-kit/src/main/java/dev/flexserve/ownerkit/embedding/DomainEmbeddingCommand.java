package dev.flexserve.ownerkit.embedding;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import dev.flexserve.ownerkit.training.Torch;
import dev.flexserve.ownerkit.training.TorchFlexOlmo;
import dev.flexserve.ownerkit.training.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "domain-embedding", mixinStandardHelpOptions = true,
        description = {"Compute the owner's domain embedding locally: the public model's mean router input per layer over a seeded",
                "sample of windows of the documents, placed in the routing space the trunk publishes (the router rows and",
                "biases), and the mean all-MiniLM-L6-v2 embedding of a sample of the documents (for the BTM baseline)."})
public final class DomainEmbeddingCommand implements Callable<Integer> {
    @Option(names = "--docs", required = true, description = "The owner's documents: a text file, a .jsonl file or a directory.")
    Path docs;

    @Option(names = "--public", required = true, description = "The public model set (its trunk publishes the routing space).")
    Path publicSet;

    @Option(names = "--sample", defaultValue = "1000", description = "Documents sampled for the sentence embedding (default: ${DEFAULT-VALUE}, as FlexOlmo).")
    int sample;

    /** Windows the centroids average over unless told otherwise. */
    public static final int WINDOWS = 256;

    @Option(names = "--windows", defaultValue = "" + WINDOWS, description = "Windows of the documents the centroids average over (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--length", defaultValue = "128", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "The JSON file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelSet set = ModelSet.load(publicSet);
        List<String> documents = Documents.read(docs);
        long t0 = System.nanoTime();
        DomainEmbedding e = compute(set, documents, sample, windows, length, seed);
        e.write(out);
        System.err.printf("domain-embedding: %d windows of %d tokens, %d of %d documents embedded, in %.1f s; bias %s -> %s%n",
                windows, length, e.sampled(), e.documents(), (System.nanoTime() - t0) / 1e9, java.util.Arrays.toString(e.routerBias()), out);
        return 0;
    }

    public static DomainEmbedding compute(ModelSet set, List<String> documents, int sample, int windows, int length, long seed) {
        RoutingSpace space = RoutingSpace.of(set.trunk());
        PackageWeights weights = new PackageWeights(set.trunk(), List.of(set.experts().get(0)));
        float[][] centroids;
        try (Tokenizer tokenizer = set.trunk().openTokenizer(); NDManager root = Torch.start(1);
             TorchFlexOlmo model = new TorchFlexOlmo(weights.config(), weights, null, root)) {
            centroids = TrunkCentroids.of(model, new TrainingData(tokenizer).add("documents", documents, 1.0), windows, length, seed);
        }
        float[] mean = DomainEmbedder.mean(documents, sample, seed);
        return new DomainEmbedding(DomainEmbedder.MODEL, documents.size(), Math.min(sample, documents.size()), seed,
                set.trunk().hash(), mean, windows, centroids, DomainEmbedding.rows(space, centroids), DomainEmbedding.bias(space, centroids));
    }
}
