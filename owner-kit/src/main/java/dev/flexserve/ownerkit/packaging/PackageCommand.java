package dev.flexserve.ownerkit.packaging;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.packages.PackageSignatures;
import dev.flexserve.model.packages.PackageWriter;
import dev.flexserve.model.packages.TrunkPackage;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.training.TrainedExpert;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import static dev.flexserve.model.weights.WeightNames.*;

@Command(name = "package", mixinStandardHelpOptions = true,
        description = {"Write the trained expert as an expert package (DESIGN §3) bound to the public trunk's hash and sign it",
                "with the owner's key (signature.json). Registering it with a running platform is the gateway's owner API."})
public final class PackageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The owner's domain embedding, written beside the package's files. */
    public static final String DOMAIN_EMBEDDING = "domain-embedding.json";

    @Option(names = "--trained", required = true, description = "The train-expert output directory.")
    Path trained;

    @Option(names = "--public", required = true, description = "The public model set the expert was trained against.")
    Path publicSet;

    @Option(names = "--id", required = true, description = "Expert id (lower-case letters, digits, '.', '_', '-').")
    String id;

    @Option(names = "--owner", required = true, description = "Owner (organisation) name recorded in the manifest.")
    String owner;

    @Option(names = "--key", required = true, description = "The owner's private key (owner keygen).")
    Path key;

    @Option(names = "--licence", defaultValue = "CC0-1.0", description = "Licence of the expert's weights (default: ${DEFAULT-VALUE}).")
    String licence;

    @Option(names = "--description", defaultValue = "", description = "Free text for the manifest.")
    String description;

    @Option(names = "--out", required = true, description = "The package directory to write (must not exist).")
    Path out;

    @Override
    public Integer call() throws Exception {
        var privateKey = Signatures.readPrivate(key);
        var publicKey = Signatures.readPublic(key.resolveSibling(key.getFileName().toString().replaceAll("\\.key$", "") + ".pub"));
        String hash = write(TrainedExpert.read(trained), ModelSet.load(publicSet).trunk(), id, owner, licence, description, out);
        TrainedExpert t = TrainedExpert.read(trained);
        if (t.meta().has("domain_embedding")) {
            // Published beside the package (not a listed file): the owner's 384-d domain embedding, which a BTM-style
            // ensemble needs and which reveals no more than the router row does.
            new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValue(out.resolve(DOMAIN_EMBEDDING).toFile(), t.meta().get("domain_embedding"));
        }
        Signatures.sign(out, privateKey, publicKey);
        PackageSignatures.Verified v = Signatures.verify(out, publicKey);
        spec.commandLine().getOut().println("package " + id + " " + hash + " signed by " + v.keyFingerprint().substring(0, 16) + ": " + out);
        return 0;
    }

    /** Writes the package; refuses an expert trained against another trunk. Returns its content hash. */
    public static String write(TrainedExpert t, TrunkPackage trunk, String id, String owner, String licence,
                               String description, Path out) throws Exception {
        if (!t.trunkHash().equals(trunk.hash())) {
            throw new OwnerKitException("the expert was trained against trunk " + t.trunkHash() + ", but the given public model's trunk is "
                    + trunk.hash() + ": train it again against this trunk");
        }
        if (ExpertPackage.PUBLIC_ID.equals(id)) {
            throw new OwnerKitException("the id 'public' is reserved for the public expert");
        }
        FlexOlmoConfig c = trunk.config().withExperts(2, 2);
        int d = c.hiddenSize();
        int f = c.intermediateSize();
        InMemoryWeights w = new InMemoryWeights();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            w.put(expertGate(l, 1), t.ffn()[3 * l], f, d);
            w.put(expertUp(l, 1), t.ffn()[3 * l + 1], f, d);
            w.put(expertDown(l, 1), t.ffn()[3 * l + 2], d, f);
            float[] rows = new float[2 * d];
            System.arraycopy(trunk.publicRouter()[l], 0, rows, 0, d);
            System.arraycopy(t.router(), l * d, rows, d, d);
            w.put(router(l), rows, 2, d);
        }
        boolean anyBias = false;
        for (float b : t.bias()) {
            anyBias |= b != 0f;
        }
        String text = description.isBlank() ? "expert '" + id + "' trained with owner train-expert" : description;
        return new PackageWriter(c).writeExpert(out, id, w, 1, anyBias ? t.bias() : null, trunk.hash(),
                new PackageWriter.Metadata(trunk.manifest().baseModel(), owner, licence, text));
    }
}
