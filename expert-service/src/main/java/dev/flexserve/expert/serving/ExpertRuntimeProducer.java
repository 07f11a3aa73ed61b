package dev.flexserve.expert.serving;

import dev.flexserve.expert.config.ExpertConfig;
import dev.flexserve.expert.engine.FfnLoader;
import dev.flexserve.expert.engine.OnnxFfnLoader;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

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
    ExpertRuntime runtime(ExpertConfig config) {
        try {
            ExpertRuntime.Settings settings = new ExpertRuntime.Settings(Path.of(config.packageDir()), config.baseHash(),
                    config.intraOpThreads(), config.executionProvider(), config.startActive());
            FfnLoader loader = OnnxFfnLoader.forProvider(settings.provider());
            return ExpertRuntime.start(settings, loader);
        } catch (ExpertStartupException e) {
            LOG.error(e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            String message = "expert-service cannot start: " + ExpertRuntime.oneLine(e);
            LOG.error(message);
            throw new ExpertStartupException(message, e);
        }
    }

    void close(@Disposes ExpertRuntime runtime) {
        runtime.close();
    }
}
