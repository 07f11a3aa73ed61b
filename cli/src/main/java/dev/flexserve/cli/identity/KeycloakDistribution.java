package dev.flexserve.cli.identity;

import dev.flexserve.model.packages.AtomicDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Keycloak's Quarkus distribution from Maven Central ({@code org.keycloak:keycloak-quarkus-dist:zip}), downloaded
 * once into a cache outside any repository, checked against Maven Central's SHA-1, unpacked and built once for the
 * options every FlexServe instance uses (local caches, the embedded H2 database), so each start is an optimized
 * start. The cache is shared by every state directory and test run on the machine; a file lock serialises the
 * one-time preparation, which happens in a staging directory renamed into place only when complete. Each instance keeps its data in its own state directory ({@link KeycloakServer}).
 */
public final class KeycloakDistribution {
    public static final String VERSION = "26.7.3";
    static final String MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/";
    /** Options fixed when the distribution is built; every start uses them. */
    static final List<String> BUILD_OPTIONS = List.of("--db=dev-file", "--cache=local", "--features=organization");

    private final Path cache;

    public KeycloakDistribution(Path cache) {
        this.cache = cache;
    }

    /** {@code $FLEXSERVE_CACHE}, else {@code $XDG_CACHE_HOME/flexserve}, else {@code ~/.cache/flexserve}. */
    public static Path defaultCache() {
        String own = System.getenv("FLEXSERVE_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("flexserve");
    }

    /** The built distribution's home directory, preparing it first if needed. */
    public Path home() throws IOException, InterruptedException {
        Path home = cache.resolve("keycloak-" + VERSION);
        if (Files.isDirectory(home)) {
            return home;
        }
        Files.createDirectories(cache);
        try (FileChannel lockFile = FileChannel.open(cache.resolve("keycloak-" + VERSION + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (Files.isDirectory(home)) {
                return home;
            }
            Path zip = download();
            // Unpacked and built in a staging directory, renamed into place only when complete.
            return AtomicDirectory.write(home, staging -> {
                unpack(zip, staging);
                try {
                    build(staging);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while building Keycloak", e);
                }
                return home;
            });
        }
    }

    private Path download() throws IOException, InterruptedException {
        String name = "keycloak-quarkus-dist-" + VERSION + ".zip";
        Path zip = cache.resolve(name);
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        String base = MAVEN_CENTRAL + VERSION + "/" + name;
        String expected = http.send(HttpRequest.newBuilder(URI.create(base + ".sha1")).build(),
                HttpResponse.BodyHandlers.ofString()).body().trim().split("\\s+")[0];
        if (Files.exists(zip) && sha1(zip).equals(expected)) {
            return zip;
        }
        System.err.println("flexserve: downloading Keycloak " + VERSION + " (177 MB, once) from Maven Central into " + cache);
        Path partial = cache.resolve(name + ".partial");
        HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofFile(partial));
        if (r.statusCode() != 200) {
            Files.deleteIfExists(partial);
            throw new IOException("downloading " + base + " failed with HTTP " + r.statusCode());
        }
        String actual = sha1(partial);
        if (!actual.equals(expected)) {
            Files.deleteIfExists(partial);
            throw new IOException("the Keycloak download " + base + " has SHA-1 " + actual + ", Maven Central says " + expected);
        }
        Files.move(partial, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return zip;
    }

    /** Unpacks the archive's single top directory {@code keycloak-VERSION/} into {@code into}. */
    private static void unpack(Path zip, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        String top = "keycloak-" + VERSION + "/";
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!e.getName().startsWith(top)) {
                    throw new IOException("the Keycloak archive has an entry outside " + top + ": " + e.getName());
                }
                Path target = root.resolve(e.getName().substring(top.length())).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("the Keycloak archive has an entry outside its root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        for (String script : List.of("kc.sh", "kcadm.sh", "kcreg.sh")) {
            Path p = root.resolve("bin").resolve(script);
            if (Files.exists(p)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                perms.add(PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    private static void build(Path home) throws IOException, InterruptedException {
        System.err.println("flexserve: preparing Keycloak " + VERSION + " for optimized starts (once, about a minute)");
        Path log = home.resolve("flexserve-build.log");
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        cmd.addAll(BUILD_OPTIONS);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_OPTS_APPEND", "-Xmx768m");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("building Keycloak failed; see " + log + ": "
                    + Files.readString(log, StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElse(""));
        }
    }

    private static String sha1(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

}
