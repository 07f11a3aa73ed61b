package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.embedding.DomainEmbedding;
import dev.flexserve.ownerkit.embedding.DomainEmbeddingCommand;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.flexserve.model.weights.WeightNames.*;

@Command(name = "train-expert", mixinStandardHelpOptions = true,
        description = {"Anchor training (DESIGN §1): a 2-expert MoE [frozen public FFN, trainable copy] with frozen embeddings,",
                "attention, norms, head and public router row; trains the copy, its router row (initialised from the domain",
                "embedding in every layer) and its non-positive bias, top-2 of 2, router z-loss. Writes <out>/trained-expert.*",
                "for 'owner package'."})
public final class TrainExpertCommand implements Callable<Integer> {
    public static final double Z_LOSS = 1e-3;

    @Option(names = "--public", required = true, description = "The public model set (its trunk and public expert), as published.")
    Path publicSet;

    @Option(names = "--docs", required = true, description = "The owner's documents: a text file, a .jsonl file or a directory.")
    Path docs;

    @Option(names = "--domain-embedding", description = "The owner's domain embedding (owner domain-embedding); computed from --docs when absent.")
    Path domainEmbedding;

    @Option(names = "--public-mix", defaultValue = "0", description = "Fraction of batch rows drawn from --public-docs (default: ${DEFAULT-VALUE}).")
    double publicMix;

    @Option(names = "--public-docs", description = "Public text for --public-mix.")
    Path publicDocs;

    @Option(names = "--router-lr-scale", defaultValue = "10", description = {"Learning rate of the router row and bias relative to --lr",
            "(default: ${DEFAULT-VALUE}: with the base rate the rows barely move in a short run, and the merged router cannot tell domains apart)."})
    double routerLrScale;

    @Option(names = "--freeze-router", description = {"Keep the router rows and biases at the domain embedding's (trunk-space centroids)",
            "instead of training them with the expert."})
    boolean freezeRouter;

    @Option(names = "--embed-sample", defaultValue = "1000", description = "Documents sampled for the domain embedding (default: ${DEFAULT-VALUE}).")
    int embedSample;

    @Option(names = "--out", required = true, description = "Output directory for the trained expert (must not hold one already).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        if (publicMix < 0 || publicMix >= 1) {
            throw new IllegalArgumentException("--public-mix must be in [0, 1)");
        }
        if (publicMix > 0 && publicDocs == null) {
            throw new IllegalArgumentException("--public-mix needs --public-docs");
        }
        if (Files.exists(out.resolve(TrainedExpert.META))) {
            throw new OwnerKitException(out + " already holds a trained expert; choose a new --out");
        }
        ModelSet set = ModelSet.load(publicSet);
        ExpertPackage publicExpert = set.experts().get(0);
        List<String> ownerDocs = Documents.read(docs);
        TrainingData data = new TrainingData(set.trunk().openTokenizer()).add(docs.toString(), ownerDocs, 1 - publicMix);
        if (publicMix > 0) {
            data.add(publicDocs.toString(), Documents.read(publicDocs), publicMix);
        }
        String trunkHash = set.trunk().hash();
        DomainEmbedding embedding;
        if (domainEmbedding != null) {
            embedding = DomainEmbedding.read(domainEmbedding).checkTrunk(domainEmbedding, trunkHash,
                    set.trunk().config().numHiddenLayers(), set.trunk().config().hiddenSize());
        } else {
            long t0 = System.nanoTime();
            embedding = DomainEmbeddingCommand.compute(set, ownerDocs, embedSample, DomainEmbeddingCommand.WINDOWS, training.length, training.seed);
            System.err.printf("train-expert: domain embedding in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        PackageWeights published = new PackageWeights(set.trunk(), List.of(publicExpert));
        FlexOlmoConfig config = set.trunk().config().withExperts(2, 2);
        InMemoryWeights anchor = anchor(config, published, embedding.routerRows());
        float[][] bias = new float[config.numHiddenLayers()][2];
        for (int l = 0; l < bias.length; l++) {
            bias[l][1] = embedding.routerBias()[l];
        }
        Path work = training.work(out);
        try (NDManager root = Torch.start(training.threads());
             TorchFlexOlmo model = new TorchFlexOlmo(config, anchor, bias, root)) {
            List<String> trainable = new ArrayList<>(model.expertFfnNames(1));
            if (!freezeRouter) {
                trainable.addAll(model.routerNames());
                trainable.add(TorchFlexOlmo.ROUTER_BIAS);
            }
            model.setTrainable(trainable);
            Trainer trainer = new Trainer("train-expert", model, data, training.options(Z_LOSS, 0.01), work, System.err);
            // The router parameter holds both rows; the public row (column 0 in compute layout [d, 2]) never moves.
            float[] column1 = new float[config.hiddenSize() * 2];
            for (int i = 0; i < config.hiddenSize(); i++) {
                column1[i * 2 + 1] = 1f;
            }
            if (!freezeRouter) {
                for (String r : model.routerNames()) {
                    trainer.maskGradient(r, column1).learningRateScale(r, routerLrScale);
                }
                trainer.learningRateScale(TorchFlexOlmo.ROUTER_BIAS, routerLrScale);
            }
            System.err.printf("train-expert: %d documents, public mix %.2f, %d steps of %d x %d tokens, trunk %s%n",
                    ownerDocs.size(), publicMix, training.steps, training.batch, training.length, trunkHash.substring(0, 12));
            long start = System.nanoTime();
            trainer.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.err.printf("train-expert: training took %.0f s%n", seconds);
            ObjectNode meta = new ObjectMapper().createObjectNode();
            meta.set("options", training.options(Z_LOSS, 0.01).toJson());
            meta.put("public_mix", publicMix);
            meta.put("router_lr_scale", routerLrScale);
            meta.put("freeze_router", freezeRouter);
            meta.put("documents", ownerDocs.size());
            meta.set("domain_embedding", new ObjectMapper().valueToTree(embedding));
            TrainedExpert.write(out, model, trunkHash, meta);
        }
        System.err.println("train-expert: wrote " + out.resolve(TrainedExpert.TENSORS) + "; next: owner package");
        return 0;
    }

    /** The 2-expert anchor: the published weights, expert 1 = a copy of the public FFN, router rows [public, domain] per layer. */
    static InMemoryWeights anchor(FlexOlmoConfig config, PackageWeights published, float[][] domainRows) {
        InMemoryWeights w = new InMemoryWeights();
        int d = config.hiddenSize();
        int f = config.intermediateSize();
        int v = config.vocabSize();
        w.put(EMBED, published.get(EMBED, v, d), v, d);
        w.put(LM_HEAD, published.get(LM_HEAD, v, d), v, d);
        w.put(FINAL_NORM, published.get(FINAL_NORM, d), d);
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            w.put(qProj(l), published.get(qProj(l), config.queryWidth(), d), config.queryWidth(), d);
            w.put(kProj(l), published.get(kProj(l), config.keyValueWidth(), d), config.keyValueWidth(), d);
            w.put(vProj(l), published.get(vProj(l), config.keyValueWidth(), d), config.keyValueWidth(), d);
            w.put(oProj(l), published.get(oProj(l), d, config.queryWidth()), d, config.queryWidth());
            w.put(qNorm(l), published.get(qNorm(l), config.queryWidth()), config.queryWidth());
            w.put(kNorm(l), published.get(kNorm(l), config.keyValueWidth()), config.keyValueWidth());
            w.put(postAttentionNorm(l), published.get(postAttentionNorm(l), d), d);
            w.put(postFeedforwardNorm(l), published.get(postFeedforwardNorm(l), d), d);
            float[] rows = new float[2 * d];
            System.arraycopy(published.get(router(l), 1, d), 0, rows, 0, d);
            System.arraycopy(domainRows[l], 0, rows, d, d);
            w.put(router(l), rows, 2, d);
            for (int e = 0; e < 2; e++) {
                w.put(expertGate(l, e), published.get(expertGate(l, 0), f, d).clone(), f, d);
                w.put(expertUp(l, e), published.get(expertUp(l, 0), f, d).clone(), f, d);
                w.put(expertDown(l, e), published.get(expertDown(l, 0), d, f).clone(), d, f);
            }
        }
        return w;
    }
}
