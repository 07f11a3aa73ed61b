package dev.flexserve.expert.fetch;

import dev.flexserve.internalauth.InternalCredential;
import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.ContentHash;
import dev.flexserve.model.packages.Manifest;
import dev.flexserve.model.packages.PackageArchive;
import dev.flexserve.model.packages.PackageException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Fetches this expert-service's package from the platform's package store over HTTP (the router's
 * {@code GET /internal/v1/packages/{hash}}), the way a pod on Kubernetes gets it without host paths. The archive is
 * streamed to disk, unpacked into {@code <cache>/<hash>} all or nothing, and kept only if its manifest's content hash
 * is the one asked for; the runtime then checks every file against the manifest. A package already in the cache is
 * used as it is. While the store is unreachable or answers 5xx (a router restarting), the fetch is retried until
 * {@code timeout}; any other answer fails at once.
 */
public final class PackageFetcher {
    private static final Logger LOG = Logger.getLogger(PackageFetcher.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final InternalCredential credential;
    private final PackageArchive.Limits limits;
    private final Duration timeout;

    public PackageFetcher(InternalCredential credential, PackageArchive.Limits limits, Duration timeout) {
        this.credential = credential;
        this.limits = limits;
        this.timeout = timeout;
    }

    /** The directory of package {@code hash}, fetched from {@code url} into {@code cache} unless already there. */
    public Path fetch(URI url, String hash, Path cache) throws IOException, InterruptedException {
        if (!HASH.matcher(hash).matches()) {
            throw new PackageException("'" + hash + "' is not a package content hash (64 lower-case hex digits)");
        }
        Path dir = cache.toAbsolutePath().resolve(hash);
        if (Files.isRegularFile(dir.resolve(Manifest.FILE))) {
            LOG.infof("package %s is in the cache %s", hash, dir);
            return dir;
        }
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                return download(url, hash, dir);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException another) {
                // Another process sharing the cache stored the same package first.
                return dir;
            } catch (StoreUnavailableException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new PackageException("the package store at " + url + " did not serve the package within "
                            + timeout.toSeconds() + " s: " + e.getMessage(), e);
                }
                LOG.infof("the package store at %s is not reachable yet (%s); retrying", url, e.getMessage());
                Thread.sleep(RETRY.toMillis());
            }
        }
    }

    private Path download(URI url, String hash, Path dir) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", credential.headerValue()).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException unreachable) {
            throw new StoreUnavailableException(unreachable.toString());
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() >= 500) {
                throw new StoreUnavailableException("HTTP " + response.statusCode());
            }
            if (response.statusCode() != 200) {
                throw new PackageException("the package store at " + url + " answered HTTP " + response.statusCode() + ": "
                        + new String(body.readNBytes(512), java.nio.charset.StandardCharsets.UTF_8));
            }
            AtomicDirectory.write(dir, tmp -> {
                PackageArchive.extract(body, tmp, limits);
                String served = ContentHash.ofPackage(Manifest.read(tmp).files());
                if (!served.equals(hash)) {
                    throw new PackageException("the package store at " + url + " served package " + served + ", not " + hash);
                }
                return tmp;
            });
        }
        LOG.infof("package %s fetched from %s into %s", hash, url, dir);
        return dir;
    }

    /** The store cannot be reached or failed on its side: worth another try. */
    private static final class StoreUnavailableException extends IOException {
        StoreUnavailableException(String message) {
            super(message);
        }
    }
}
