package dev.flexserve.router.trunk;

import dev.flexserve.model.engine.OnnxExpertFfn;
import dev.flexserve.model.engine.TrunkRuntime;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageException;
import dev.flexserve.model.packages.TrunkPackage;
import dev.flexserve.model.tokenizer.Tokenizer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The public model this router serves: the verified trunk package with its ONNX Runtime sessions and tokenizer,
 * and the public expert, which runs in this process (it is part of the public model and nearly every token
 * needs it). Loaded once at startup; a package that fails verification stops the service.
 */
@Startup
@ApplicationScoped
public class Trunk {
    private static final Logger LOG = Logger.getLogger(Trunk.class);

    private final TrunkPackage trunkPackage;
    private final TrunkRuntime runtime;
    private final ExpertPackage publicExpert;
    private final OnnxExpertFfn publicFfn;
    private final Tokenizer tokenizer;
    private final String modelId;
    private final Instant loadedAt;

    public Trunk(RouterSettings settings) {
        Path dir = settings.models();
        trunkPackage = TrunkPackage.load(dir.resolve("trunk"));
        publicExpert = ExpertPackage.load(dir.resolve(ExpertPackage.PUBLIC_ID), trunkPackage);
        if (!publicExpert.id().equals(ExpertPackage.PUBLIC_ID)) {
            throw new PackageException(dir + ": the package in public/ has id '" + publicExpert.id() + "'");
        }
        runtime = new TrunkRuntime(trunkPackage, settings.intraOpThreads());
        publicFfn = new OnnxExpertFfn(publicExpert, trunkPackage.config().hiddenSize(), settings.intraOpThreads());
        tokenizer = trunkPackage.openTokenizer();
        modelId = settings.modelId().orElse(dir.toAbsolutePath().normalize().getFileName().toString());
        loadedAt = Instant.now();
        LOG.infof("model %s: trunk %s loaded from %s (%d layers, d=%d, vocab %d)", modelId, trunkPackage.hash(), dir,
                trunkPackage.config().numHiddenLayers(), trunkPackage.config().hiddenSize(), trunkPackage.config().vocabSize());
    }

    public TrunkPackage trunkPackage() {
        return trunkPackage;
    }

    public TrunkRuntime runtime() {
        return runtime;
    }

    public ExpertPackage publicExpert() {
        return publicExpert;
    }

    public OnnxExpertFfn publicFfn() {
        return publicFfn;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The id clients name this model by. */
    public String modelId() {
        return modelId;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    @PreDestroy
    void close() {
        publicFfn.close();
        runtime.close();
        tokenizer.close();
    }
}
