package dev.flexserve.ownerkit.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.model.packages.PackageArchive;
import dev.flexserve.model.packages.PackageSignatures;
import dev.flexserve.ownerkit.OwnerKitException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code flexserve owner publish --url GATEWAY --token T PACKAGE}: contributes a signed expert package from the
 * owner's machine. The package is checked here first (every file against the manifest, the signature), zipped to a
 * temporary file and streamed to the gateway's {@code POST /v1/experts}; then the command waits until the platform
 * reports the expert active (or the reason it is not).
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Upload a signed expert package to a running platform (gateway POST /v1/experts) and wait until it serves.")
public final class PublishCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<package>", description = "The package directory that 'owner package' wrote.")
    Path dir;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The platform's gateway. Default: ${DEFAULT-VALUE}")
    String url;

    @Option(names = "--token", description = "An owner's access token (flexserve token --role owner). Default: the FLEXSERVE_TOKEN variable.")
    String token;

    @Option(names = "--wait", defaultValue = "5m", converter = WaitDuration.class, description = "How long to wait for the expert to serve; 0s returns after the upload. Default: ${DEFAULT-VALUE}")
    Duration wait;

    @Override
    public Integer call() throws Exception {
        String bearer = token != null ? token : System.getenv("FLEXSERVE_TOKEN");
        if (bearer == null || bearer.isBlank()) {
            throw new ParameterException(spec.commandLine(), "a token is needed: pass --token or set FLEXSERVE_TOKEN");
        }
        PackageSignatures.Verified v = PackageSignatures.verify(dir, null);
        PrintWriter out = spec.commandLine().getOut();
        Path archive = Files.createTempFile("flexserve-package-", ".zip");
        try {
            try (OutputStream file = Files.newOutputStream(archive)) {
                PackageArchive.write(dir, file);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            JsonNode accepted = send(http, HttpRequest.newBuilder(URI.create(base + "/v1/experts"))
                    .header("Authorization", "Bearer " + bearer.trim()).header("Content-Type", "application/zip")
                    .POST(HttpRequest.BodyPublishers.ofFile(archive)).build(), 202);
            out.println("uploaded expert " + v.id() + " (version " + v.contentHash().substring(0, 12) + "): "
                    + accepted.path("status").asText());
            out.flush();
            long deadline = System.nanoTime() + wait.toNanos();
            String status = accepted.path("status").asText();
            while (status.equals("provisioning") && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                JsonNode now = send(http, HttpRequest.newBuilder(URI.create(base + "/v1/experts/" + v.id()))
                        .header("Authorization", "Bearer " + bearer.trim()).GET().build(), 200);
                status = now.path("status").asText();
                if (status.equals("failed")) {
                    throw new OwnerKitException("expert " + v.id() + " could not be provisioned: " + now.path("reason").asText());
                }
            }
            if (!wait.isZero()) {
                if (!status.equals("active")) {
                    throw new OwnerKitException("expert " + v.id() + " is still " + status + " after " + wait.toSeconds() + " s");
                }
                out.println("expert " + v.id() + " is active");
            }
            return 0;
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private JsonNode send(HttpClient http, HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new OwnerKitException("no gateway at " + url + " (is the platform running?)");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new OwnerKitException("the gateway answered " + r.statusCode() + " with something other than JSON");
        }
        if (r.statusCode() != expected) {
            throw new OwnerKitException("the gateway answered " + r.statusCode() + ": " + body.at("/error/message").asText(r.body()));
        }
        return body;
    }
}
