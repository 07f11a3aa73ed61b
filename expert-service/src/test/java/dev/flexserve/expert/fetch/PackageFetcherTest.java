package dev.flexserve.expert.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.flexserve.expert.testing.DemoPackagesResource;
import dev.flexserve.internalauth.InternalCredential;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.packages.ArchiveException;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageArchive;
import dev.flexserve.model.packages.PackageException;
import dev.flexserve.model.packages.TrunkPackage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fetching a package over real HTTP from a server that answers as the package store does: what arrives is unpacked
 * into the cache only when it is exactly the package asked for, a refusal fails at once, an unreachable store is
 * retried, and nothing partial is ever left in the cache.
 */
class PackageFetcherTest {
    static final InternalCredential CREDENTIAL = new InternalCredential("package-fetcher-test-secret-0123456789");

    Path root;
    Path cache;
    TrunkPackage trunk;
    ExpertPackage expert;
    ExpertPackage other;
    HttpServer server;
    final Deque<Answer> answers = new ArrayDeque<>();
    final List<String> authorizations = new ArrayList<>();

    record Answer(int status, byte[] body) {
    }

    @BeforeEach
    void serve() throws IOException {
        root = Files.createTempDirectory("flexserve-fetch");
        cache = root.resolve("cache");
        DemoModels.write(root.resolve("demo"));
        trunk = TrunkPackage.load(root.resolve("demo/trunk"));
        expert = ExpertPackage.load(root.resolve("demo/expert-1"), trunk);
        other = ExpertPackage.load(root.resolve("demo/expert-2"), trunk);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/packages/", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            Answer a = answers.isEmpty() ? new Answer(404, "{}".getBytes()) : answers.poll();
            exchange.sendResponseHeaders(a.status(), a.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(a.body());
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        DemoPackagesResource.deleteTree(root);
    }

    @Test
    void thePackageAskedForIsUnpackedIntoTheCacheAndVerifiesThere() throws Exception {
        answers.add(new Answer(200, archive(expert.dir())));
        Path dir = fetcher(Duration.ofSeconds(5)).fetch(url(expert.hash()), expert.hash(), cache);
        assertThat(dir).isEqualTo(cache.toAbsolutePath().resolve(expert.hash()));
        assertThat(ExpertPackage.load(dir, trunk).hash()).isEqualTo(expert.hash());
        assertThat(authorizations).containsExactly(CREDENTIAL.headerValue());
        assertThat(entries(cache)).containsExactly(expert.hash());

        Path again = fetcher(Duration.ofSeconds(5)).fetch(url(expert.hash()), expert.hash(), cache);
        assertThat(again).isEqualTo(dir);
        assertThat(authorizations).as("a cached package is not fetched again").hasSize(1);
    }

    @Test
    void anotherPackageThanTheOneAskedForIsRefusedAndNotKept() throws Exception {
        answers.add(new Answer(200, archive(other.dir())));
        assertThatThrownBy(() -> fetcher(Duration.ofSeconds(5)).fetch(url(expert.hash()), expert.hash(), cache))
                .isInstanceOf(PackageException.class)
                .hasMessageContaining("served package " + other.hash() + ", not " + expert.hash());
        assertThat(entries(cache)).isEmpty();
    }

    @Test
    void aTruncatedArchiveIsRefusedAndNothingIsLeft() throws Exception {
        byte[] whole = archive(expert.dir());
        answers.add(new Answer(200, Arrays.copyOf(whole, whole.length / 2)));
        assertThatThrownBy(() -> fetcher(Duration.ofSeconds(5)).fetch(url(expert.hash()), expert.hash(), cache))
                .isInstanceOf(ArchiveException.class)
                .hasMessageContaining("truncated or corrupt");
        assertThat(entries(cache)).isEmpty();
    }

    @Test
    void aRefusalFailsAtOnceWithWhatTheStoreSaid() {
        answers.add(new Answer(403, "{\"error\":{\"message\":\"packages are served to the platform's own services only\"}}".getBytes()));
        answers.add(new Answer(200, new byte[0]));
        assertThatThrownBy(() -> fetcher(Duration.ofMinutes(1)).fetch(url(expert.hash()), expert.hash(), cache))
                .isInstanceOf(PackageException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("platform's own services only");
        assertThat(authorizations).as("a 4xx is not retried").hasSize(1);
    }

    @Test
    void aStoreThatFailsOnItsSideIsRetriedUntilItServes() throws Exception {
        answers.add(new Answer(503, "starting".getBytes()));
        answers.add(new Answer(502, "starting".getBytes()));
        answers.add(new Answer(200, archive(expert.dir())));
        Path dir = fetcher(Duration.ofMinutes(1)).fetch(url(expert.hash()), expert.hash(), cache);
        assertThat(ExpertPackage.load(dir, trunk).hash()).isEqualTo(expert.hash());
        assertThat(authorizations).hasSize(3);
    }

    @Test
    void anUnreachableStoreFailsOnceTheTimeoutHasPassed() {
        server.stop(0);
        assertThatThrownBy(() -> fetcher(Duration.ZERO).fetch(url(expert.hash()), expert.hash(), cache))
                .isInstanceOf(PackageException.class)
                .hasMessageContaining("did not serve the package within 0 s");
    }

    @Test
    void aHashThatIsNoContentHashIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> fetcher(Duration.ofSeconds(5)).fetch(url("../etc"), "../etc", cache))
                .isInstanceOf(PackageException.class)
                .hasMessageContaining("is not a package content hash");
        assertThat(authorizations).isEmpty();
    }

    private PackageFetcher fetcher(Duration timeout) {
        return new PackageFetcher(CREDENTIAL, new PackageArchive.Limits(1L << 30, 64), timeout);
    }

    private URI url(String hash) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/internal/v1/packages/" + hash);
    }

    private static byte[] archive(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PackageArchive.write(dir, out);
        return out.toByteArray();
    }

    private static List<String> entries(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }
}
