package dev.flexserve.cli.up;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The platform on one machine: the router-service and one expert-service per expert of a model set, each its own
 * process on localhost, started from the services' Quarkus jars. Experts are registered with the router through
 * its admin API, exactly as an owner's registration would arrive. Used by {@code flexserve up} and by the
 * platform tests.
 */
public final class Platform implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration STARTUP = Duration.ofMinutes(3);

    /** Where things are and which ports to use; port 0 picks a free port. */
    public record Settings(Path home, Path models, Path stateDir, int routerPort, int firstExpertPort,
                           List<String> routerJvm, List<String> expertJvm) {
        public Path routerJar() {
            return home.resolve("router-service/target/quarkus-app/quarkus-run.jar");
        }

        public Path expertJar() {
            return home.resolve("expert-service/target/quarkus-app/quarkus-run.jar");
        }
    }

    private final Settings settings;
    private final ServiceProcess router;
    private final Map<String, ServiceProcess> experts = new LinkedHashMap<>();
    private final Map<String, Path> packages = new LinkedHashMap<>();

    private Platform(Settings settings, ModelSet models) throws IOException {
        this.settings = settings;
        for (Path jar : List.of(settings.routerJar(), settings.expertJar())) {
            if (!Files.isRegularFile(jar)) {
                throw new IOException("service jar " + jar + " is missing; build it with ./mvnw -pl router-service,expert-service -am package -DskipTests");
            }
        }
        Path logs = settings.stateDir().resolve("logs");
        router = new ServiceProcess("router-service", settings.routerJar(), settings.routerJvm(), List.of(
                "flexserve.router.models=" + settings.models().toAbsolutePath(),
                "quarkus.datasource.jdbc.url=jdbc:h2:file:" + settings.stateDir().toAbsolutePath().resolve("router-registry")
                        + ";DB_CLOSE_ON_EXIT=FALSE"),
                port(settings.routerPort()), logs.resolve("router-service.log"));
        int next = settings.firstExpertPort();
        for (ExpertPackage e : models.experts()) {
            if (e.id().equals(ExpertPackage.PUBLIC_ID)) {
                continue;
            }
            int port = settings.firstExpertPort() == 0 ? port(0) : next++;
            experts.put(e.id(), new ServiceProcess("expert-" + e.id(), settings.expertJar(), settings.expertJvm(), List.of(
                    "flexserve.expert.package=" + e.dir().toAbsolutePath(),
                    "flexserve.expert.base-hash=" + models.trunk().hash()),
                    port, logs.resolve("expert-" + e.id() + ".log")));
            packages.put(e.id(), e.dir().toAbsolutePath());
        }
    }

    /** Starts every service, waits until all are ready, and registers the experts; stops everything on failure. */
    public static Platform start(Settings settings) throws IOException, InterruptedException {
        Platform p = new Platform(settings, ModelSet.load(settings.models()));
        try {
            for (ServiceProcess s : p.all()) {
                s.start();
            }
            for (ServiceProcess s : p.all()) {
                s.awaitReady(STARTUP);
            }
            for (Map.Entry<String, ServiceProcess> e : p.experts.entrySet()) {
                p.register(e.getKey(), e.getValue());
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
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(router.url() + "/admin/experts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 409 && r.body().contains("already registered")) {
            return; // a persistent registry from an earlier run: the owner's status and policy stand
        }
        if (r.statusCode() != 201) {
            throw new IOException("registering " + id + " failed with " + r.statusCode() + ": " + r.body());
        }
    }

    public ServiceProcess router() {
        return router;
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

    private List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(experts.values());
        all.add(router);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        router.stop();
        for (ServiceProcess e : experts.values()) {
            e.stop();
        }
    }

    /** {@code requested}, or a port that is free right now when it is 0. */
    static int port(int requested) throws IOException {
        if (requested != 0) {
            return requested;
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
