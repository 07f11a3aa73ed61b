package dev.flexserve.ownerkit.embedding;

import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.ownerkit.corpus.Documents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "domain-embedding", mixinStandardHelpOptions = true,
        description = {"Compute the owner's domain embedding locally: the mean all-MiniLM-L6-v2 embedding of a seeded sample of the",
                "documents, mapped into d_model by the projection the public trunk publishes (the router row's initial value)."})
public final class DomainEmbeddingCommand implements Callable<Integer> {
    @Option(names = "--docs", required = true, description = "The owner's documents: a text file, a .jsonl file or a directory.")
    Path docs;

    @Option(names = "--public", required = true, description = "The public model set (its trunk publishes the projection).")
    Path publicSet;

    @Option(names = "--sample", defaultValue = "1000", description = "Documents sampled (default: ${DEFAULT-VALUE}, as FlexOlmo).")
    int sample;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "The JSON file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelSet set = ModelSet.load(publicSet);
        List<String> documents = Documents.read(docs);
        long t0 = System.nanoTime();
        DomainEmbedding e = DomainEmbedding.compute(documents, sample, seed, DomainProjection.of(set.trunk()), set.trunk().hash());
        e.write(out);
        System.err.printf("domain-embedding: %d of %d documents in %.1f s -> %s%n", e.sampled(), e.documents(), (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
