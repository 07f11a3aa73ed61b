package dev.flexserve.expert.serving;

import dev.flexserve.expert.config.ExpertConfig;
import dev.flexserve.expert.engine.FfnLoader;
import dev.flexserve.expert.engine.OnnxFfnLoader;
import dev.flexserve.expert.fetch.PackageFetcher;
import dev.flexserve.internalauth.InternalCredential;
import dev.flexserve.model.packages.PackageArchive;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Creates the {@link ExpertRuntime} when the application starts. A package that does not verify makes startup fail:
 * one ERROR line names the package and the problem, and the exception ends the process, so whoever started it (the
 * {@code flexserve up} launcher, Kubernetes) sees it exit.
 */
public class ExpertRuntimeProducer {
    private static final Logger LOG = Logger.getLogger(ExpertRuntimeProducer.class);

    @Produces
    @Singleton
    @Startup
    ExpertRuntime runtime(ExpertConfig config, InternalCredential credential) {
        try {
            ExpertRuntime.Settings settings = new ExpertRuntime.Settings(packageDir(config, credential), config.baseHash(),
                    config.intraOpThreads(), config.executionProvider(), config.startActive());
            FfnLoader loader = OnnxFfnLoader.forProvider(settings.provider());
            return ExpertRuntime.start(settings, loader);
        } catch (ExpertStartupException e) {
            LOG.error(e.getMessage());
            throw e;
        } catch (RuntimeException | IOException e) {
            String message = "expert-service cannot start: " + ExpertRuntime.oneLine(e);
            LOG.error(message);
            throw new ExpertStartupException(message, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpertStartupException("expert-service cannot start: interrupted while fetching its package", e);
        }
    }

    /** The package directory: the one configured, or the one fetched from {@code package-url}. */
    static Path packageDir(ExpertConfig config, InternalCredential credential) throws IOException, InterruptedException {
        if (config.packageDir().isPresent() == config.packageUrl().isPresent()) {
            throw new ExpertStartupException("expert-service cannot start: set exactly one of flexserve.expert.package "
                    + "and flexserve.expert.package-url", null);
        }
        if (config.packageDir().isPresent()) {
            return Path.of(config.packageDir().get());
        }
        String hash = config.packageHash().orElseThrow(() -> new ExpertStartupException("expert-service cannot start: "
                + "flexserve.expert.package-url needs flexserve.expert.package-hash", null));
        PackageFetcher fetcher = new PackageFetcher(credential,
                new PackageArchive.Limits(config.packageMaxBytes(), config.packageMaxFiles()), config.packageFetchTimeout());
        return fetcher.fetch(config.packageUrl().get(), hash, config.packageCache());
    }

    void close(@Disposes ExpertRuntime runtime) {
        runtime.close();
    }
}
