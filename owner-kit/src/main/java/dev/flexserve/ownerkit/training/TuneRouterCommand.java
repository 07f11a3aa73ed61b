package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import dev.flexserve.ownerkit.packaging.Packages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.flexserve.model.weights.WeightNames.*;

@Command(name = "tune-router", mixinStandardHelpOptions = true,
        description = {"Platform side, FlexOlmo's optional router tuning (RT): train only the owners' router rows and biases of the",
                "merged model (top-k of the config) on public text; every FFN, the trunk and the public row stay frozen.",
                "Writes a new model set whose expert packages carry the tuned rows (unsigned: the platform made them)."})
public final class TuneRouterCommand implements Callable<Integer> {
    @Option(names = "--models", required = true, description = "The merged model set.")
    Path models;

    @Option(names = "--public-docs", required = true, description = "Public text to tune on.")
    Path publicDocs;

    @Option(names = "--proxy-docs", description = {"A small proxy sample of an owner's data (repeat per owner), mixed in with the public",
            "text in equal parts: FlexOlmo's RT proper, for owners who agree to share such a sample."})
    List<Path> proxyDocs;

    @Option(names = "--proxy-max-docs", defaultValue = "20", description = "Documents taken from each --proxy-docs (default: ${DEFAULT-VALUE}).")
    int proxyMaxDocs;

    @Option(names = "--out", required = true, description = "The model set to write (must not exist).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new OwnerKitException(out + " already exists; choose a new --out");
        }
        ModelSet set = ModelSet.load(models);
        if (set.experts().size() < 2) {
            throw new OwnerKitException(models + ": has no owner's expert to tune");
        }
        PackageWeights weights = new PackageWeights(set.trunk(), set.experts());
        FlexOlmoConfig config = weights.config();
        TrainingData data = new TrainingData(set.trunk().openTokenizer()).add(publicDocs.toString(), Documents.read(publicDocs), 1.0);
        if (proxyDocs != null) {
            for (Path p : proxyDocs) {
                List<String> docs = Documents.read(p);
                data.add(p.toString(), docs.subList(0, Math.min(proxyMaxDocs, docs.size())), 1.0);
            }
        }
        int e = config.numExperts();
        int d = config.hiddenSize();
        try (NDManager root = Torch.start(training.threads());
             TorchFlexOlmo model = new TorchFlexOlmo(config, weights, weights.bias(), root)) {
            List<String> trainable = new ArrayList<>(model.routerNames());
            trainable.add(TorchFlexOlmo.ROUTER_BIAS);
            model.setTrainable(trainable);
            Trainer trainer = new Trainer("tune-router", model, data, training.options(TrainExpertCommand.Z_LOSS, 0), training.work(out), System.err);
            float[] owners = new float[d * e];
            for (int i = 0; i < d; i++) {
                for (int x = 1; x < e; x++) {
                    owners[i * e + x] = 1f;
                }
            }
            for (String r : model.routerNames()) {
                trainer.maskGradient(r, owners);
            }
            System.err.printf("tune-router: %d experts, top-%d, %d steps of %d x %d tokens of public text%s%n",
                    e, config.numExpertsPerTok(), training.steps, training.batch, training.length,
                    proxyDocs == null ? "" : " and " + proxyDocs.size() + " proxy samples of at most " + proxyMaxDocs + " documents");
            long start = System.nanoTime();
            trainer.run();
            System.err.printf("tune-router: tuning took %.0f s%n", (System.nanoTime() - start) / 1e9);
            write(set, config, weights, model.export(), model.exportBias());
        }
        System.err.println("tune-router: wrote " + out);
        return 0;
    }

    private void write(ModelSet set, FlexOlmoConfig config, PackageWeights original, InMemoryWeights tuned, float[][] bias) throws Exception {
        AtomicDirectory.write(out, stage -> {
            Packages.copyTree(set.trunk().dir(), stage.resolve(set.trunk().dir().getFileName().toString()));
            Packages.copyTree(set.experts().get(0).dir(), stage.resolve(ExpertPackage.PUBLIC_ID));
            PackageWriter writer = new PackageWriter(config);
            InMemoryWeights w = new InMemoryWeights();
            int d = config.hiddenSize();
            int f = config.intermediateSize();
            for (int l = 0; l < config.numHiddenLayers(); l++) {
                w.put(router(l), tuned.get(router(l), config.numExperts(), d), config.numExperts(), d);
                for (int x = 0; x < config.numExperts(); x++) {
                    w.put(expertGate(l, x), original.get(expertGate(l, x), f, d), f, d);
                    w.put(expertUp(l, x), original.get(expertUp(l, x), f, d), f, d);
                    w.put(expertDown(l, x), original.get(expertDown(l, x), d, f), d, f);
                }
            }
            for (int x = 1; x < config.numExperts(); x++) {
                ExpertPackage p = set.experts().get(x);
                float[] b = new float[config.numHiddenLayers()];
                for (int l = 0; l < b.length; l++) {
                    b[l] = Math.min(0f, bias[l][x]);
                }
                writer.writeExpert(stage.resolve(p.id()), p.id(), w, x, b, set.trunk().hash(),
                        new PackageWriter.Metadata(p.manifest().baseModel(), p.manifest().owner(), p.manifest().licence(),
                                "router row tuned by the platform (RT"
                                        + (proxyDocs == null ? ", public text" : ", public text and owners' proxy samples") + "); FFN of package " + p.hash()));
            }
            return null;
        });
    }
}
