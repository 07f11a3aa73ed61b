package dev.flexserve.cli.up;

import dev.flexserve.cli.DefaultModels;
import dev.flexserve.model.demo.DemoModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code flexserve up}: the whole platform on this machine, each service its own process, until Ctrl-C.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the router-service and one expert-service per expert as local processes, wait until all are "
                + "healthy, register the experts, print the endpoints, and stop everything on Ctrl-C.")
public final class UpCommand implements Callable<Integer> {

    @Option(names = "--models", description = "Model set directory (trunk, public, experts). Default: the trained demo models, "
            + DefaultModels.PATH + " in the repository.")
    Path models;

    @Option(names = "--demo", description = "Serve the deterministic random-weight demo models (written once into the state directory).")
    boolean demo;

    @Option(names = "--state-dir", defaultValue = ".flexserve", description = "Registry database and service logs. Default: ${DEFAULT-VALUE}")
    Path stateDir;

    @Option(names = "--port", defaultValue = "8081", description = "Router port. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--expert-ports", defaultValue = "9101", description = "First expert-service port; one more per expert. Default: ${DEFAULT-VALUE}")
    int expertPorts;

    @Override
    public Integer call() throws Exception {
        if (demo) {
            models = stateDir.resolve("demo-models");
            if (!Files.exists(models)) {
                DemoModels.write(models);
            }
        } else if (models == null) {
            models = DefaultModels.path();
        } else if (!Files.isDirectory(models)) {
            throw new IllegalArgumentException("no models at " + models + "; pass --models DIR, or --demo for the random-weight demo models");
        }
        Path home = Path.of(System.getProperty("flexserve.home", "."));
        Platform.Settings settings = new Platform.Settings(home, models, stateDir, port, expertPorts,
                List.of("-Xmx1g", "-XX:+UseSerialGC"), List.of("-Xmx512m", "-XX:+UseSerialGC"));
        System.out.println("starting the router-service and the expert-services of " + models + " (logs in " + stateDir.resolve("logs") + ") ...");
        Platform platform = Platform.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                platform.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }));
        System.out.println("FlexServe is up.");
        System.out.println("  router-service   " + platform.router().url() + "   (POST /internal/v1/generate, /admin/experts, /q/metrics)");
        platform.experts().forEach((id, p) -> System.out.println("  expert " + id + "  " + p.url() + "   (gRPC + /q/health)"));
        System.out.println("Try:  ./flexserve generate --url " + platform.router().url() + " \"The committee met on\"");
        System.out.println("Press Ctrl-C to stop everything.");
        stopped.await();
        return 0;
    }
}
