package dev.flexserve.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.cli.FlexServeCli;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.process.ServiceProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.flexserve.platform.GatewayHttp.call;
import static dev.flexserve.platform.GatewayHttp.get;
import static dev.flexserve.platform.GatewayHttp.post;
import static dev.flexserve.platform.RouterHttp.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An owner's expert from its owner's machine to revocation, through the gateway with real Keycloak tokens: the owner
 * trains a small expert with the owner kit against the served public model, packages and signs it; an operator
 * registers the owner's public key; the owner publishes it ({@code flexserve owner publish}); the platform verifies,
 * stores and provisions it (its own expert-service process) and it serves, with its attribution reaching the
 * owner's usage report; then the owner revokes it while 8 streams decode with it: no call reaches it after the revoke
 * call returns, the streams finish without it, and its process is gone.
 */
@Order(3)
@ExtendWith(GatewayPlatform.class)
class ExpertLifecycleTest {
    static final String OWNER = "umbrella";
    static final String ID = "legal-e2e";

    static GatewayPlatform.Running p;
    static String gateway;
    static String model;
    static Path work;

    @BeforeAll
    static void platform() throws Exception {
        p = GatewayPlatform.running();
        gateway = p.gateway();
        model = get(gateway + "/v1/models", p.token("acme", "consumer")).body().at("/data/0/id").asText();
        work = Files.createTempDirectory(Path.of("target"), "owner-machine-");
    }

    @Test
    void anOwnersExpertIsTrainedPublishedServedAttributedAndRevoked() throws Exception {
        Path pkg = trainAndPackage();
        String operator = p.token("flexserve", "operator");
        String owner = p.token(OWNER, "owner");

        Cli refusedUnregistered = cli("owner", "publish", "--url", gateway, "--token", owner, "--wait", "0s", pkg.toString());
        assertThat(refusedUnregistered.exit()).isNotZero();
        assertThat(refusedUnregistered.err()).contains("no package-signing key is registered for organization '" + OWNER + "'");

        ObjectNode key = new ObjectMapper().createObjectNode().put("public_key", Files.readString(work.resolve("owner.pub")));
        GatewayHttp.Reply byOwner = call("PUT", gateway + "/v1/signing-keys/" + OWNER, owner, key.toString());
        assertEquals(403, byOwner.status(), "an owner does not register keys: " + byOwner.raw());
        GatewayHttp.Reply registered = call("PUT", gateway + "/v1/signing-keys/" + OWNER, operator, key.toString());
        assertEquals(200, registered.status(), registered.raw());

        Cli otherOrganization = cli("owner", "publish", "--url", gateway, "--token", p.token("demo-org-2", "owner"), "--wait", "0s",
                pkg.toString());
        assertThat(otherOrganization.exit()).isNotZero();
        assertThat(otherOrganization.err()).contains("403").contains("belongs to '" + OWNER + "'");
        assertEquals(404, get(gateway + "/v1/experts/" + ID, owner).status(), "a refused upload leaves no expert behind");

        Cli published = cli("owner", "publish", "--url", gateway, "--token", owner, "--wait", "3m", pkg.toString());
        assertEquals(0, published.exit(), published.err());
        assertThat(published.out()).contains("uploaded expert " + ID).contains("expert " + ID + " is active");
        JsonNode expert = get(gateway + "/v1/experts/" + ID, owner).body();
        assertEquals("active", expert.get("status").asText(), expert.toString());
        String version = expert.get("version").asText();
        assertThat(get(gateway + "/v1/models", p.token("acme", "consumer")).body().at("/data/0/experts").findValuesAsText("id"))
                .contains(ID);
        ProcessHandle process = expertProcess(version).orElseThrow(() -> new AssertionError("no expert-service process serves " + version));

        GatewayHttp.Reply served = post(gateway + "/v1/completions", p.token("acme", "consumer"), "{\"model\": \"" + model
                + "\", \"prompt\": \"The licence grants\", \"max_tokens\": 6, \"experts\": {\"include\": [\"public\", \"" + ID + "\"]}}");
        assertEquals(200, served.status(), served.raw());
        JsonNode attributed = attribution(served.body(), ID);
        assertEquals(OWNER, attributed.get("owner").asText());
        assertEquals(version, attributed.get("version").asText());
        assertThat(attributed.get("tokens").asInt()).isPositive();
        String requestId = served.headers().firstValue("X-Request-Id").orElseThrow();
        assertEquals("cmpl-" + requestId, served.body().get("id").asText());
        await(Duration.ofMinutes(1), () -> get(gateway + "/v1/usage?expert=" + ID + "&group_by=organization", owner)
                .body().at("/data").findValuesAsText("organization").contains("acme"), "the expert's use reached its owner's report");
        GatewayHttp.Reply otherOwner = get(gateway + "/v1/usage?expert=" + ID, p.token("demo-org-2", "owner"));
        assertEquals(200, otherOwner.status(), otherOwner.raw());
        assertThat(otherOwner.body().at("/data").findValues("tokens")).as("another owner sees none of its use: " + otherOwner.raw())
                .allSatisfy(t -> assertThat(t.asLong()).isZero());
        assertThat(get(gateway + "/v1/usage?expert=" + ID, owner).body().at("/data").findValues("tokens"))
                .as("while its owner sees it").anySatisfy(t -> assertThat(t.asLong()).isPositive());
        JsonNode one = get(gateway + "/v1/usage?request_id=" + requestId + "&group_by=expert", owner).body();
        assertThat(one.at("/data").findValuesAsText("expert")).as("the response's own record").contains(ID);

        servedByAnExpertServiceThatFetchesItFromTheStore(version);

        List<GatewayHttp.Stream> streams = start(8);
        double before = routerCalls();
        assertThat(before).as("the router called the uploaded expert for the streams").isPositive();
        GatewayHttp.Reply revoked = post(gateway + "/v1/experts/" + ID + "/revoke", owner, null);
        assertEquals(200, revoked.status(), revoked.raw());
        assertEquals("revoked", revoked.body().get("status").asText());
        double atRevoke = routerCalls();
        for (GatewayHttp.Stream s : streams) {
            JsonNode last = s.last.get(3, TimeUnit.MINUTES);
            assertThat(last.at("/choices/0/finish_reason").asText()).isIn("length", "stop");
        }
        assertEquals(atRevoke, routerCalls(), "no call reached the expert after the revoke call returned");
        process.onExit().get(1, TimeUnit.MINUTES);
        assertThat(expertProcess(version)).as("no process serves the revoked package").isEmpty();
        assertEquals("revoked", get(gateway + "/v1/experts/" + ID, owner).body().get("status").asText());
        assertThat(get(gateway + "/v1/models", p.token("acme", "consumer")).body().at("/data/0/experts").findValuesAsText("id"))
                .doesNotContain(ID);
        assertEquals(409, post(gateway + "/v1/experts/" + ID + "/activate", owner, null).status(), "revocation is final");
    }

    /**
     * The owner's side, as on its own machine: a key pair, a few training steps against the served public model, a
     * signed package. The demo trunk publishes no routing space, so the owner gives its domain's router rows
     * ({@code --domain-embedding}) instead of having them computed.
     */
    private Path trainAndPackage() throws Exception {
        Path models = p.models();
        ModelSet set = ModelSet.load(models);
        int layers = set.trunk().config().numHiddenLayers();
        int hidden = set.trunk().config().hiddenSize();
        ObjectMapper json = new ObjectMapper();
        ObjectNode embedding = json.createObjectNode().put("embedder", "given").put("documents", 3).put("sampled", 3).put("seed", 1)
                .put("trunk_hash", set.trunk().hash()).put("windows", 1);
        embedding.putArray("embedding").add(0.0);
        var rows = embedding.putArray("router_rows");
        for (int l = 0; l < layers; l++) {
            var row = rows.addArray();
            for (int i = 0; i < hidden; i++) {
                row.add(Math.sin(0.37 * (l + 1) * (i + 1)));
            }
        }
        var bias = embedding.putArray("router_bias");
        for (int l = 0; l < layers; l++) {
            bias.add(0.0);
        }
        Path embeddingFile = work.resolve("legal-embedding.json");
        json.writeValue(embeddingFile.toFile(), embedding);
        Path docs = work.resolve("legal.jsonl");
        Files.write(docs, List.of(
                "{\"text\": \"Permission is hereby granted, free of charge, to any person obtaining a copy of this software.\"}",
                "{\"text\": \"THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.\"}",
                "{\"text\": \"Licensed under the Apache License, Version 2.0; you may not use this file except in compliance.\"}"));

        Cli keygen = cli("owner", "keygen", work.resolve("owner").toString());
        assertEquals(0, keygen.exit(), keygen.err());
        Cli train = cli("owner", "train-expert", "--public", models.toString(), "--docs", docs.toString(), "--domain-embedding",
                embeddingFile.toString(), "--steps", "3", "--batch", "2", "--length", "16", "--out", work.resolve("trained").toString());
        assertEquals(0, train.exit(), train.err());
        Path pkg = work.resolve("package");
        Cli packaged = cli("owner", "package", "--trained", work.resolve("trained").toString(), "--public", models.toString(),
                "--id", ID, "--owner", OWNER, "--key", work.resolve("owner.key").toString(), "--out", pkg.toString());
        assertEquals(0, packaged.exit(), packaged.err());
        return pkg;
    }

    /**
     * {@code n} streams of acme that use the uploaded expert, each two chunks in before this returns. (Training is
     * deterministic; greedy decoding of these prompts runs the whole 80 tokens, where a prompt in the expert's own
     * domain, such as "Clause 1 of the licence", ends at its third token: the documents it learnt from end there.)
     */
    private static List<GatewayHttp.Stream> start(int n) throws InterruptedException {
        String token = p.token("acme", "consumer");
        CountDownLatch started = new CountDownLatch(n);
        List<GatewayHttp.Stream> streams = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            streams.add(GatewayHttp.stream(gateway + "/v1/completions", token, "{\"model\": \"" + model + "\", \"prompt\": \"Stream "
                    + i + " of the committee\", \"max_tokens\": 80, \"temperature\": 0, \"stream\": true, "
                    + "\"experts\": {\"include\": [\"public\", \"" + ID + "\"]}}", started));
        }
        if (!started.await(2, TimeUnit.MINUTES)) {
            StringBuilder states = new StringBuilder();
            for (GatewayHttp.Stream s : streams) {
                states.append("\n  ").append(s.chunks.size()).append(" chunks, ")
                        .append(s.last.isDone() ? s.last.handle((r, e) -> e != null ? e.toString() : String.valueOf(r)).join() : "running");
            }
            throw new AssertionError("not every stream produced two chunks within 2 minutes:" + states);
        }
        return streams;
    }

    /**
     * The way a Kubernetes pod gets its package: an expert-service given only the URL of the package in the router's
     * store and its content hash fetches it over HTTP with the platform's credential, verifies it and serves exactly
     * that package; one asking for a package the store does not hold does not start.
     */
    private static void servedByAnExpertServiceThatFetchesItFromTheStore(String version) throws Exception {
        Path jar = Path.of(System.getProperty("flexserve.home", "..")).resolve("expert-service/target/quarkus-app/quarkus-run.jar");
        String trunk = ModelSet.load(p.models()).trunk().hash();
        ServiceProcess fetched = pod("fetched", jar, version, trunk);
        try {
            fetched.start();
            fetched.awaitReady(Duration.ofMinutes(2));
            HttpResponse<String> described = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fetched.url() + "/admin/expert"))
                    .header("Authorization", "Bearer " + p.platform().internalSecret()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, described.statusCode(), described.body());
            JsonNode d = new ObjectMapper().readTree(described.body());
            assertEquals(ID, d.get("expert_id").asText());
            assertEquals(version, d.get("package_hash").asText());
            assertThat(work.resolve("pod-cache-fetched").resolve(version).resolve("manifest.json")).exists();
        } finally {
            fetched.stop();
        }
        ServiceProcess missing = pod("missing", jar, "0".repeat(64), trunk);
        missing.start();
        missing.exited().get(2, TimeUnit.MINUTES);
        assertThat(Files.readString(missing.log())).contains("HTTP 404").contains("no package " + "0".repeat(64) + " is stored");
    }

    private static ServiceProcess pod(String name, Path jar, String packageHash, String trunkHash) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return ServiceProcess.quarkus("pod-" + name, jar, List.of("-Xmx256m", "-XX:+UseSerialGC"), List.of(
                        "flexserve.expert.package-url=" + p.router() + "/internal/v1/packages/" + packageHash,
                        "flexserve.expert.package-hash=" + packageHash,
                        "flexserve.expert.package-cache=" + work.resolve("pod-cache-" + name).toAbsolutePath(),
                        "flexserve.expert.package-fetch-timeout=30s",
                        "flexserve.expert.base-hash=" + trunkHash),
                Map.of("FLEXSERVE_INTERNAL_SECRET", p.platform().internalSecret()), port, port, work.resolve("pod-" + name + ".log"));
    }

    /** Forward calls the router made to the uploaded expert (its own count: the expert's process goes on revoke). */
    private static double routerCalls() {
        return counter(RouterHttp.text(p.router() + "/q/metrics"), "flexserve_expert_call_seconds_count", "expert=\"" + ID + "\"");
    }

    private static Optional<ProcessHandle> expertProcess(String packageHash) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(packageHash) && c.contains("flexserve.expert.package")).orElse(false))
                .findFirst();
    }

    private static JsonNode attribution(JsonNode response, String expert) {
        for (JsonNode a : response.get("attribution")) {
            if (a.get("expert").asText().equals(expert)) {
                return a;
            }
        }
        throw new AssertionError(expert + " is not in the attribution of " + response);
    }

    private static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(200);
        }
    }

    record Cli(int exit, String out, String err) {
    }

    private static Cli cli(String... args) {
        CommandLine cl = FlexServeCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }
}
