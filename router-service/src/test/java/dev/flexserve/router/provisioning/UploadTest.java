package dev.flexserve.router.provisioning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.packages.ContentHash;
import dev.flexserve.model.packages.Manifest;
import dev.flexserve.model.packages.PackageArchive;
import dev.flexserve.model.packages.PackageSignatures;
import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.StoredPackage;
import dev.flexserve.router.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ai.onnx.proto.OnnxMl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.flexserve.router.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Uploads are verified before anything else sees them, and whatever is refused leaves nothing behind: a truncated
 * archive, paths that leave the package, a wrong signature, an organization without a registered key, another
 * organization's package, a foreign trunk, operators outside the allow-list, a package over the limits. This router
 * provisions nothing (mode none), so even a valid package is refused (503) and not stored; the platform tests upload
 * one that serves.
 */
@QuarkusTest
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
class UploadTest {
    static final String OWNER = "demo-org-1";
    static final Path STORE = Path.of("target/package-store");
    static final KeyPair owners = ed25519();
    static Path work;

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registering a key is idempotent; it runs once the application listens (a static hook may run before). */
    @BeforeEach
    void ownersKey() throws Exception {
        work = Files.createTempDirectory("uploads");
        given().contentType("application/json").body("{\"public_key\": " + new ObjectMapper().writeValueAsString(
                        PackageSignatures.pem("PUBLIC KEY", owners.getPublic().getEncoded())) + "}")
                .put("/admin/signing-keys/" + OWNER).then().statusCode(200).body("organization", equalTo(OWNER));
    }

    @Test
    void aValidPackageIsVerifiedButNotStoredWhereNothingProvisions() throws Exception {
        upload(OWNER, "owner", zip(signed(copy("expert-1"), owners))).statusCode(503)
                .body("error.message", containsString("the package is valid"));
        assertStoreEmpty();
    }

    @Test
    void brokenArchivesAreRefused() throws Exception {
        byte[] whole = zip(signed(copy("expert-1"), owners));
        upload(OWNER, "owner", Arrays.copyOf(whole, whole.length / 2)).statusCode(400).body("error.message", containsString("archive"));
        upload(OWNER, "owner", "not a zip at all".getBytes()).statusCode(400);
        upload(OWNER, "owner", entries("../escape", "manifest.json")).statusCode(400).body("error.message", containsString("leaves the package"));
        upload(OWNER, "owner", entries("/etc/passwd")).statusCode(400).body("error.message", containsString("leaves the package"));
        upload(OWNER, "owner", entries("manifest.json", "manifest.json")).statusCode(400).body("error.message", containsString("twice"));
        assertStoreEmpty();
    }

    @Test
    void signaturesDecideWhoseKeyTheUploadCarries() throws Exception {
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        upload(OWNER, "owner", zip(signed(copy("expert-1"), stranger))).statusCode(400).body("error.message", containsString("not by the trusted key"));
        upload(OWNER, "owner", zip(copy("expert-1"))).statusCode(400).body("error.message", containsString("not signed"));
        Path tampered = signed(copy("expert-1"), owners);
        byte[] tensor = Files.readAllBytes(tampered.resolve("expert.safetensors"));
        tensor[tensor.length - 1] ^= 1;
        Files.write(tampered.resolve("expert.safetensors"), tensor);
        upload(OWNER, "owner", zip(tampered)).statusCode(400).body("error.message", containsString("SHA-256"));
        upload("demo-org-2", "owner", zip(signed(copy("expert-2"), owners))).statusCode(400)
                .body("error.message", containsString("no package-signing key is registered for organization 'demo-org-2'"));
        assertStoreEmpty();
    }

    @Test
    void onlyTheOwnersOrganizationUploadsItsPackage() throws Exception {
        upload("globex", "owner", zip(signed(copy("expert-1"), owners))).statusCode(403).body("error.message", containsString("demo-org-1"));
        upload(OWNER, "consumer", zip(signed(copy("expert-1"), owners))).statusCode(403);
        assertStoreEmpty();
    }

    @Test
    void packagesThePlatformCannotServeSafelyAreRefused() throws Exception {
        Path other = work.resolve("other-trunk");
        FlexOlmoConfig c = DemoModels.config();
        DemoModels.write(other, new FlexOlmoConfig(c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.numExperts(), c.numExpertsPerTok(), c.rmsNormEps(),
                c.ropeTheta() * 2, c.maxPositionEmbeddings(), c.eosTokenId()));
        upload(OWNER, "owner", zip(signed(copyFrom(other.resolve("expert-1"), "foreign"), owners))).statusCode(400)
                .body("error.message", containsString("trunk"));
        Path hostile = copy("expert-1");
        rewriteGraph(hostile, "layers/ffn_0.onnx", g -> g.getNodeBuilder(0).setOpType("RandomNormalLike"));
        upload(OWNER, "owner", zip(signed(hostile, owners))).statusCode(400).body("error.message", containsString("allow-list"));
        assertStoreEmpty();
    }

    @Test
    void archivesOverTheLimitsAreRefusedWhileUnpacking() throws Exception {
        String[] many = new String[65];
        for (int i = 0; i < many.length; i++) {
            many[i] = i == 0 ? "manifest.json" : "layers/f" + i;
        }
        upload(OWNER, "owner", entries(many)).statusCode(413).body("error.message", containsString("more than 64 files"));
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bomb)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{}".getBytes());
            zip.putNextEntry(new ZipEntry("expert.safetensors"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 9; i++) {
                zip.write(zeros);
            }
        }
        assertThat(bomb.size()).as("the archive is small; only its unpacked size exceeds the limit").isLessThan(100_000);
        upload(OWNER, "owner", bomb.toByteArray()).statusCode(413).body("error.message", containsString("more than 8388608 bytes"));
        assertStoreEmpty();
    }

    static ValidatableResponse upload(String organization, String role, byte[] archive) {
        return given().header("X-FlexServe-Subject", "someone").header("X-FlexServe-Organization", organization)
                .header("X-FlexServe-Roles", role).contentType("application/zip").body(archive)
                .post("/admin/experts/packages").then();
    }

    static void assertStoreEmpty() throws IOException {
        try (Stream<Path> stored = Files.list(STORE)) {
            assertThat(stored.filter(p -> !p.getFileName().toString().equals(".incoming")).toList()).as("nothing stored").isEmpty();
        }
        try (Stream<Path> staged = Files.list(STORE.resolve(".incoming"))) {
            assertThat(staged.toList()).as("nothing left in staging").isEmpty();
        }
    }

    static Path copy(String expert) throws IOException {
        return copyFrom(DemoModelsResource.models().resolve(expert), expert);
    }

    static Path copyFrom(Path from, String name) throws IOException {
        return StoredPackage.copyTree(from, Files.createTempDirectory(work, name));
    }

    static Path signed(Path pkg, KeyPair key) throws IOException {
        PackageSignatures.sign(pkg, key.getPrivate(), key.getPublic());
        return pkg;
    }

    static byte[] zip(Path pkg) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PackageArchive.write(pkg, out);
        return out.toByteArray();
    }

    static byte[] entries(String... names) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String n : names) {
                zip.putNextEntry(new ZipEntry(n));
                zip.write("{}".getBytes());
                zip.closeEntry();
            }
        } catch (java.util.zip.ZipException duplicate) {
            // The JDK refuses to write a duplicate entry: write the archive by hand below.
            return duplicateEntries(names[0]);
        }
        return out.toByteArray();
    }

    /** A zip archive with two entries of the same name (the JDK's writer refuses to make one). */
    static byte[] duplicateEntries(String name) throws IOException {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(a)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write("{}".getBytes());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("x" + name.substring(1)));
            zip.write("{}".getBytes());
            zip.closeEntry();
        }
        byte[] bytes = a.toByteArray();
        byte[] from = ("x" + name.substring(1)).getBytes();
        byte[] to = name.getBytes();
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, bytes, i, to.length);
            }
        }
        return bytes;
    }

    /** Edits a graph as an attacker would, and re-hashes it so that only the graph check can catch it. */
    static void rewriteGraph(Path pkg, String file, Consumer<OnnxMl.GraphProto.Builder> edit) throws IOException {
        Path path = pkg.resolve(file);
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(path)).toBuilder();
        edit.accept(model.getGraphBuilder());
        Files.write(path, model.build().toByteArray());
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(pkg.resolve(Manifest.FILE).toFile());
        ((ObjectNode) m.get("files")).put(file, ContentHash.ofFile(path));
        json.writeValue(pkg.resolve(Manifest.FILE).toFile(), m);
    }
}
