package dev.flexserve.ownerkit.packaging;

import dev.flexserve.ownerkit.Owner;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.TinyModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Expert packages are signed with Ed25519 over (id, content hash, trunk hash): verification fails for a changed file,
 * a changed id, another owner's key; packaging refuses an expert trained against another trunk, and training refuses
 * a domain embedding mapped with another trunk.
 */
class SignaturesTest {
    static Path root;
    static Path trained;

    @BeforeAll
    static void trainOneExpert() throws Exception {
        root = TinyModels.root().resolve("signatures");
        Files.createDirectories(root);
        trained = root.resolve("trained");
        Owner.Result r = Owner.run(TinyModels.tinyArgs("train-expert", "--public", TinyModels.publicSet().toString(),
                "--docs", Owner.fixture("math.jsonl").toString(), "--embed-sample", "2", "--steps", "1", "--out", trained.toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Owner.run("keygen", root.resolve("alice").toString()).exit()).isZero();
        assertThat(Owner.run("keygen", root.resolve("mallory").toString()).exit()).isZero();
    }

    private Path pkg(String name) throws Exception {
        Path out = root.resolve(name);
        Owner.Result r = Owner.run("package", "--trained", trained.toString(), "--public", TinyModels.publicSet().toString().toString(),
                "--id", "math", "--owner", "alice-org", "--key", root.resolve("alice.key").toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return out;
    }

    @Test
    void aSignedPackageVerifiesWithItsOwnersKeyOnly() throws Exception {
        Path p = pkg("ok");
        var alice = Signatures.readPublic(root.resolve("alice.pub"));
        assertThat(Signatures.verify(p, alice).id()).isEqualTo("math");
        assertThatThrownBy(() -> Signatures.verify(p, Signatures.readPublic(root.resolve("mallory.pub"))))
                .isInstanceOf(OwnerKitException.class).hasMessageContaining("not by the trusted key");
        Owner.Result r = Owner.run("verify", p.toString(), "--key", root.resolve("mallory.pub").toString());
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void changedContentOrIdBreaksTheSignature() throws Exception {
        var alice = Signatures.readPublic(root.resolve("alice.pub"));
        Path tampered = pkg("tampered");
        Files.write(tampered.resolve("layers/ffn_0.onnx"), new byte[]{0}, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> Signatures.verify(tampered, alice)).hasMessageContaining("fails its SHA-256 check");

        Path renamed = pkg("renamed");
        Path manifest = renamed.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"id\" : \"math\"", "\"id\" : \"maths\""));
        assertThatThrownBy(() -> Signatures.verify(renamed, alice)).hasMessageContaining("signature does not match");

        Path unsigned = pkg("unsigned");
        Files.delete(unsigned.resolve(Signatures.FILE));
        assertThatThrownBy(() -> Signatures.verify(unsigned, alice)).hasMessageContaining("not signed");
    }

    @Test
    void anotherTrunkIsRefused() throws Exception {
        Path otherPublic = root.resolve("other-public");
        Owner.Result t = Owner.run(TinyModels.tinyArgs("train-public", "--docs", Owner.fixture("public.jsonl").toString(),
                "--out", otherPublic.toString(), "--steps", "1", "--seed", "2", "--centroid-windows", "2"));
        assertThat(t.exit()).as(t.err()).isZero();

        Owner.Result r = Owner.run("package", "--trained", trained.toString(), "--public", otherPublic.toString(), "--id", "math",
                "--owner", "alice-org", "--key", root.resolve("alice.key").toString(), "--out", root.resolve("wrong").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThatThrownBy(() -> PackageCommand.write(dev.flexserve.ownerkit.training.TrainedExpert.read(trained),
                dev.flexserve.model.packages.ModelSet.load(otherPublic).trunk(), "math", "alice-org", "CC0-1.0", "", root.resolve("wrong2")))
                .hasMessageStartingWith("the expert was trained against trunk ").hasMessageContaining("train it again");

        Owner.Result e = Owner.run("domain-embedding", "--docs", Owner.fixture("math.jsonl").toString(), "--public",
                TinyModels.publicSet().toString(), "--sample", "2", "--out", root.resolve("math.json").toString());
        assertThat(e.exit()).as(e.err()).isZero();
        Owner.Result x = Owner.run(TinyModels.tinyArgs("train-expert", "--public", otherPublic.toString(), "--docs",
                Owner.fixture("math.jsonl").toString(), "--domain-embedding", root.resolve("math.json").toString(),
                "--steps", "1", "--out", root.resolve("x").toString()));
        assertThat(x.exit()).isEqualTo(1);
        assertThat(x.err() + x.progress()).doesNotContain("train-expert: step");
    }
}
