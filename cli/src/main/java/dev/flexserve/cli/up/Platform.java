package dev.flexserve.cli.up;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.cli.identity.Keycloak;
import dev.flexserve.process.ServiceProcess;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform on one machine, each part its own process on localhost: PostgreSQL (the router's expert registry and
 * the attribution records, one database each), a Kafka broker (the attribution events), the attribution-service, the
 * router-service, one expert-service per expert of a model set and, given a running {@link Keycloak}, the gateway in
 * front of them. Services start from their Quarkus jars; their data lives in the state directory, so a restart keeps
 * every record. They prove to each other that they are the platform with the installation's internal secret, passed
 * in their environment with the database password ({@link StateSecret}). Experts are registered with the router
 * through its admin API, exactly as an owner's registration would arrive. Used by {@code flexserve up}, the platform
 * tests and the benchmarks.
 */
public final class Platform implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration STARTUP = Duration.ofMinutes(3);
    static final String ROUTER_DATABASE = "router";
    static final String ATTRIBUTION_DATABASE = "attribution";
    static final String DATABASE_USER = "flexserve";

    /** The ports to use; 0 picks a free port. */
    public record Ports(int gateway, int router, int firstExpert, int attribution, int kafka, int postgres) {
        /** Every port free, as tests and benchmarks want them. */
        public static Ports any() {
            return new Ports(0, 0, 0, 0, 0, 0);
        }
    }

    /** Where things are, which ports to use, and each kind of service's JVM options. */
    public record Settings(Path home, Path models, Path stateDir, Ports ports, List<String> routerJvm, List<String> expertJvm,
                           List<String> gatewayJvm) {
        public Path routerJar() {
            return home.resolve("router-service/target/quarkus-app/quarkus-run.jar");
        }

        public Path expertJar() {
            return home.resolve("expert-service/target/quarkus-app/quarkus-run.jar");
        }

        public Path gatewayJar() {
            return home.resolve("gateway/target/quarkus-app/quarkus-run.jar");
        }

        public Path attributionJar() {
            return home.resolve("attribution-service/target/quarkus-app/quarkus-run.jar");
        }
    }

    private final Settings settings;
    private final String secret;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final ServiceProcess attribution;
    private final ServiceProcess router;
    private final ServiceProcess gateway;
    private final Map<String, ServiceProcess> experts = new LinkedHashMap<>();
    private final Map<String, Path> packages = new LinkedHashMap<>();

    private Platform(Settings settings, ModelSet models, Keycloak keycloak) throws IOException {
        this.settings = settings;
        List<Path> jars = new ArrayList<>(List.of(settings.routerJar(), settings.expertJar(), settings.attributionJar()));
        if (keycloak != null) {
            jars.add(settings.gatewayJar());
        }
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new IOException("service jar " + jar + " is missing; build it with "
                        + "./mvnw -pl router-service,expert-service,attribution-service,gateway -am package -DskipTests");
            }
        }
        Path state = settings.stateDir().toAbsolutePath();
        Path logs = state.resolve("logs");
        this.secret = StateSecret.of(state, StateSecret.INTERNAL);
        String databasePassword = StateSecret.of(state, StateSecret.DATABASE);
        Ports ports = settings.ports();
        postgres = new PostgresServer(state.resolve("postgres"), state.resolve("postgres-binaries"), ports.postgres(),
                List.of(ROUTER_DATABASE, ATTRIBUTION_DATABASE), DATABASE_USER, databasePassword, logs.resolve("postgres.log"));
        kafka = new KafkaBroker(state.resolve("kafka"), ports.kafka(), logs.resolve("kafka.log"));
        Map<String, String> env = Map.of("FLEXSERVE_INTERNAL_SECRET", secret);
        Map<String, String> withDatabase = Map.of("FLEXSERVE_INTERNAL_SECRET", secret, "QUARKUS_DATASOURCE_PASSWORD", databasePassword);
        int attributionPort = port(ports.attribution());
        attribution = ServiceProcess.quarkus("attribution-service", settings.attributionJar(), List.of("-Xmx384m", "-XX:+UseSerialGC"),
                List.of("kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                        "quarkus.datasource.jdbc.url=" + postgres.jdbcUrl(ATTRIBUTION_DATABASE),
                        "quarkus.datasource.username=" + DATABASE_USER),
                withDatabase, attributionPort, attributionPort, logs.resolve("attribution-service.log"));
        int routerPort = port(ports.router());
        router = ServiceProcess.quarkus("router-service", settings.routerJar(), settings.routerJvm(), List.of(
                "flexserve.router.models=" + settings.models().toAbsolutePath(),
                "quarkus.datasource.jdbc.url=" + postgres.jdbcUrl(ROUTER_DATABASE),
                "quarkus.datasource.username=" + DATABASE_USER,
                "flexserve.router.attribution.bootstrap-servers=" + kafka.bootstrapServers(),
                "flexserve.router.attribution.spool-directory=" + state.resolve("attribution-spool"),
                "flexserve.router.store.directory=" + state.resolve("packages"),
                "flexserve.router.provisioning.mode=embedded",
                "flexserve.router.provisioning.expert-jar=" + settings.expertJar().toAbsolutePath(),
                "flexserve.router.provisioning.log-directory=" + logs),
                withDatabase, routerPort, routerPort, logs.resolve("router-service.log"));
        int next = ports.firstExpert();
        for (ExpertPackage e : models.experts()) {
            if (e.id().equals(ExpertPackage.PUBLIC_ID)) {
                continue;
            }
            int port = ports.firstExpert() == 0 ? port(0) : next++;
            experts.put(e.id(), ServiceProcess.quarkus("expert-" + e.id(), settings.expertJar(), settings.expertJvm(), List.of(
                    "flexserve.expert.package=" + e.dir().toAbsolutePath(),
                    "flexserve.expert.base-hash=" + models.trunk().hash()),
                    env, port, port, logs.resolve("expert-" + e.id() + ".log")));
            packages.put(e.id(), e.dir().toAbsolutePath());
        }
        if (keycloak == null) {
            gateway = null;
        } else {
            int gatewayPort = port(ports.gateway());
            gateway = ServiceProcess.quarkus("gateway", settings.gatewayJar(), settings.gatewayJvm(), List.of(
                    "quarkus.oidc.auth-server-url=" + keycloak.issuer(),
                    "flexserve.gateway.router.url=" + router.url(),
                    "flexserve.gateway.attribution.url=" + attribution.url()),
                    env, gatewayPort, gatewayPort, logs.resolve("gateway.log"));
        }
    }

    /** The platform without a gateway (for tests and benchmarks that call the router directly). */
    public static Platform start(Settings settings) throws IOException, InterruptedException {
        return start(settings, null);
    }

    /**
     * Starts PostgreSQL and Kafka, then every service; waits until all are ready and registers the experts; stops
     * everything on failure. With {@code keycloak} the gateway runs too, validating that Keycloak's tokens.
     */
    public static Platform start(Settings settings, Keycloak keycloak) throws IOException, InterruptedException {
        Platform p = new Platform(settings, ModelSet.load(settings.models()), keycloak);
        try {
            p.postgres.start();
            p.kafka.start();
            for (ServiceProcess s : p.services()) {
                s.start();
            }
            for (ServiceProcess s : p.services()) {
                s.awaitReady(STARTUP);
            }
            for (Map.Entry<String, ServiceProcess> e : p.experts.entrySet()) {
                p.register(e.getKey(), e.getValue());
            }
            if (keycloak != null) {
                // The console signs in at Keycloak and comes back to the gateway's address, known only now.
                keycloak.admin().allowConsoleRedirect(p.gateway.url() + "/console/*", p.gateway.url());
            }
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void register(String id, ServiceProcess expert) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("package", packages.get(id).toString())
                .put("endpoint", "127.0.0.1:" + expert.port());
        HttpResponse<String> r = HTTP.send(internal(router.url() + "/admin/experts")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 409 && r.body().contains("already registered")) {
            // A persistent registry from an earlier run: the owner's status and policy stand, if it is the same expert.
            HttpResponse<String> existing = HTTP.send(internal(router.url() + "/admin/experts/" + id).build(),
                    HttpResponse.BodyHandlers.ofString());
            String endpoint = JSON.readTree(existing.body()).path("endpoints").asText();
            if (!endpoint.equals("127.0.0.1:" + expert.port())) {
                throw new IOException("expert " + id + " is registered in " + settings.stateDir() + " with endpoint " + endpoint
                        + ", not 127.0.0.1:" + expert.port() + "; use the same --expert-ports, or another --state-dir");
            }
            return;
        }
        if (r.statusCode() != 201) {
            throw new IOException("registering " + id + " failed with " + r.statusCode() + ": " + r.body());
        }
    }

    /** Registers, as the platform, the key {@code organization} signs its expert packages with (PEM). */
    public void registerSigningKey(String organization, String publicKeyPem) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("public_key", publicKeyPem);
        HttpResponse<String> r = HTTP.send(internal(router.url() + "/admin/signing-keys/" + organization)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("registering the signing key of " + organization + " failed with " + r.statusCode() + ": " + r.body());
        }
    }

    /** A request to an internal API, carrying the installation's credential. */
    public HttpRequest.Builder internal(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + secret);
    }

    /** The installation's internal secret (for tests and benchmarks that call the services directly). */
    public String internalSecret() {
        return secret;
    }

    public ServiceProcess router() {
        return router;
    }

    /** The gateway, when the platform was started with a Keycloak. */
    public ServiceProcess gateway() {
        if (gateway == null) {
            throw new IllegalStateException("this platform runs without a gateway (started without Keycloak)");
        }
        return gateway;
    }

    public ServiceProcess attribution() {
        return attribution;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public ServiceProcess expert(String id) {
        ServiceProcess p = experts.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no expert-service for " + id);
        }
        return p;
    }

    public Map<String, ServiceProcess> experts() {
        return experts;
    }

    private List<ServiceProcess> services() {
        List<ServiceProcess> all = new ArrayList<>(experts.values());
        all.add(attribution);
        all.add(router);
        if (gateway != null) {
            all.add(gateway);
        }
        return all;
    }

    /** Stops the services front to back (so the router hands its last events off), then Kafka and PostgreSQL. */
    @Override
    public void close() throws InterruptedException {
        if (gateway != null) {
            gateway.stop();
        }
        router.stop();
        for (ServiceProcess e : experts.values()) {
            e.stop();
        }
        attribution.stop();
        kafka.stop();
        postgres.stop();
    }

    /** {@code requested}, or a port that is free right now when it is 0. */
    public static int port(int requested) throws IOException {
        if (requested != 0) {
            return requested;
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
