package dev.flexserve.cli.model;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.Manifest;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.TokenizerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flexserve model info PACKAGES_DIR}: verify a model set and describe it. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = "Verify every package in a directory (file hashes, graphs, trunk binding) and describe the model: "
                + "trunk hash, configuration, and one line per expert.")
public final class InfoCommand implements Callable<Integer> {
    /** Hash prefixes shown for expert versions (the full hash is in 'model info' of the trunk and the API). */
    static final int VERSION_PREFIX = 12;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PACKAGES_DIR", description = "Directory with one trunk and its expert packages.")
    Path dir;

    @Override
    public Integer call() {
        ModelSet models = ModelSet.load(dir);
        PrintWriter out = spec.commandLine().getOut();
        Manifest trunk = models.trunk().manifest();
        FlexOlmoConfig c = models.trunk().config();
        out.println("models:    " + dir + " (" + (models.experts().size() + 1) + " packages, all files verified)");
        out.println("trunk:     " + models.trunk().hash());
        out.println("base:      " + trunk.baseModel() + ", owner " + trunk.owner() + ", licence " + trunk.licence());
        out.printf("config:    vocab %d, hidden %d, intermediate %d, %d layers, %d heads (%d kv, head_dim %d), "
                        + "%d experts in config, top-%d, context %d, rope_theta %s, rms_norm_eps %s, eos %s%n",
                c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                c.numKeyValueHeads(), c.headDim(), c.numExperts(), c.numExpertsPerTok(), c.maxPositionEmbeddings(),
                c.ropeTheta(), c.rmsNormEps(), c.eosTokenId() == null ? "none" : c.eosTokenId());
        out.println("tokenizer: " + describe(trunk.tokenizer()));
        out.println("experts:   " + models.experts().size());
        int idWidth = models.experts().stream().mapToInt(e -> e.id().length()).max().orElse(0);
        int ownerWidth = models.experts().stream().mapToInt(e -> String.valueOf(e.manifest().owner()).length()).max().orElse(0);
        for (ExpertPackage e : models.experts()) {
            out.printf("  %-" + idWidth + "s  owner %-" + ownerWidth + "s  version %s  bias %s%n",
                    e.id(), e.manifest().owner(), e.hash().substring(0, VERSION_PREFIX), e.bias() == null ? "no" : "yes");
        }
        out.flush();
        return 0;
    }

    private static String describe(TokenizerSpec t) {
        if (TokenizerSpec.NONE.equals(t.type())) {
            return "none (text generation is not possible; use 'flexserve model logits' with token ids)";
        }
        return t.file() == null ? t.type() : t.type() + " (" + t.file() + ")";
    }
}
