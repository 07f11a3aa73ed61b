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
        LOG.infof("trunk %s loaded from %s (%d layers, d=%d, vocab %d)", trunkPackage.hash(), dir,
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

    @PreDestroy
    void close() {
        publicFfn.close();
        runtime.close();
        tokenizer.close();
    }
}
