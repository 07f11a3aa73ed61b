package dev.flexserve.cli.up;

import dev.flexserve.cli.DefaultModels;
import dev.flexserve.cli.identity.Keycloak;
import dev.flexserve.cli.identity.KeycloakDistribution;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code flexserve up}: the whole platform on this machine, each service its own process, until Ctrl-C: Keycloak (the
 * FlexServe realm with the demo organizations), PostgreSQL, Kafka, the attribution-service, the router-service, one
 * expert-service per expert, and the gateway ({@link Platform}).
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start Keycloak, PostgreSQL, Kafka, the attribution-service, the router-service, one expert-service per "
                + "expert and the gateway as local processes, "
                + "wait until all are healthy, register the experts, print the endpoints, and stop everything on Ctrl-C.")
public final class UpCommand implements Callable<Integer> {
    /** The consumer organizations of the demo, beside the experts' owners. */
    static final List<String> DEMO_CONSUMERS = List.of("acme", "globex");

    @Option(names = "--models", description = "Model set directory (trunk, public, experts). Default: the trained demo models, "
            + DefaultModels.PATH + " in the repository.")
    Path models;

    @Option(names = "--demo", description = "Serve the deterministic random-weight demo models (written once into the state directory).")
    boolean demo;

    @Option(names = "--state-dir", defaultValue = ".flexserve", description = "Identities, secrets, databases and service logs. Default: ${DEFAULT-VALUE}")
    Path stateDir;

    @Option(names = "--port", defaultValue = "8080", description = "Gateway port (the public API). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--router-port", defaultValue = "8081", description = "Router-service port (internal). Default: ${DEFAULT-VALUE}")
    int routerPort;

    @Option(names = "--keycloak-port", defaultValue = "8180", description = "Keycloak port. Default: ${DEFAULT-VALUE}")
    int keycloakPort;

    @Option(names = "--expert-ports", defaultValue = "9101", description = "First expert-service port; one more per expert. Default: ${DEFAULT-VALUE}")
    int expertPorts;

    @Option(names = "--attribution-port", defaultValue = "8082", description = "Attribution-service port (internal). Default: ${DEFAULT-VALUE}")
    int attributionPort;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Kafka broker port. Default: ${DEFAULT-VALUE}")
    int kafkaPort;

    @Option(names = "--postgres-port", defaultValue = "15432", description = "PostgreSQL port. Default: ${DEFAULT-VALUE}")
    int postgresPort;

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
        Platform.Settings settings = new Platform.Settings(home, models, stateDir,
                new Platform.Ports(port, routerPort, expertPorts, attributionPort, kafkaPort, postgresPort),
                List.of("-Xmx1g", "-XX:+UseSerialGC"), List.of("-Xmx512m", "-XX:+UseSerialGC"), List.of("-Xmx512m", "-XX:+UseSerialGC"));
        System.out.println("starting Keycloak, PostgreSQL, Kafka, the attribution-service, the router-service, the expert-services of "
                + models + " and the gateway (logs in " + stateDir.resolve("logs") + ") ...");
        Keycloak keycloak = Keycloak.start(stateDir, keycloakPort, KeycloakDistribution.defaultCache(), organizations(ModelSet.load(models)));
        Platform platform;
        try {
            platform = Platform.start(settings, keycloak);
        } catch (Exception e) {
            keycloak.close();
            throw e;
        }
        registerDemoSigningKeys(platform, ModelSet.load(models));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                platform.close();
                keycloak.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }));
        System.out.println("Endpoints:");
        String stateOption = stateDir.equals(Path.of(".flexserve")) ? "" : " --state-dir " + stateDir;
        System.out.println("  console          " + platform.gateway().url() + "/console/   (web console; sign in as a user that ./flexserve users"
                + stateOption + " lists)");
        System.out.println("  gateway          " + platform.gateway().url() + "   (OpenAI API /v1/completions, /v1/chat/completions, /v1/models; owner API /v1/experts; /q/openapi)");
        System.out.println("  keycloak         " + keycloak.url() + "   (realm flexserve; organizations " + String.join(", ", keycloak.identities().organizations()) + ")");
        System.out.println("  router-service   " + platform.router().url() + "   (internal)");
        System.out.println("  attribution      " + platform.attribution().url() + "   (internal; reports through the gateway's /v1/usage)");
        System.out.println("  kafka            " + platform.kafka().bootstrapServers() + "   (attribution events)");
        System.out.println("  postgresql       127.0.0.1:" + platform.postgres().port() + "   (registry, attribution records)");
        platform.experts().forEach((id, p) -> System.out.println("  expert " + id + "  " + p.url() + "   (internal)"));
        String tokenCommand = "./flexserve token" + stateOption + " --organization acme";
        System.out.println("Try:  export FLEXSERVE_TOKEN=$(" + tokenCommand + ")");
        System.out.println("      ./flexserve generate --url " + platform.gateway().url() + " \"The committee met on\"");
        System.out.println("FlexServe is up. Press Ctrl-C to stop everything.");
        stopped.await();
        return 0;
    }

    /**
     * The demo owners' package-signing keys, committed beside the trained models ({@code models/owner-keys/<expert>.pub}),
     * so that the demo owners can publish new versions of their experts; an operator registers real owners' keys.
     */
    static void registerDemoSigningKeys(Platform platform, ModelSet models) throws Exception {
        Path keys = models.trunk().dir().toAbsolutePath().getParent().resolveSibling("owner-keys");
        for (ExpertPackage e : models.experts()) {
            Path key = keys.resolve(e.id() + ".pub");
            if (!e.id().equals(ExpertPackage.PUBLIC_ID) && Files.isRegularFile(key)) {
                platform.registerSigningKey(e.manifest().owner(), Files.readString(key));
            }
        }
    }

    /** The owners of the served experts, then the demo consumers. */
    static Set<String> organizations(ModelSet models) {
        Set<String> orgs = new LinkedHashSet<>();
        for (ExpertPackage e : models.experts()) {
            if (!e.id().equals(ExpertPackage.PUBLIC_ID)) {
                orgs.add(e.manifest().owner());
            }
        }
        orgs.addAll(DEMO_CONSUMERS);
        return orgs;
    }
}
