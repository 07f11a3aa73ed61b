package dev.flexserve.ownerkit.packaging;

import dev.flexserve.model.packages.PackageException;
import dev.flexserve.model.packages.PackageSignatures;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The owner's side of package signatures: its Ed25519 key pair as PEM files ({@code owner keygen}), and signing and
 * verifying with them. What is signed and how it is checked is the model library's {@link PackageSignatures}, the
 * same code the platform verifies uploads with; a refusal here is reported as the owner kit's one-line error.
 */
public final class Signatures {
    public static final String FILE = PackageSignatures.FILE;

    private Signatures() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(PackageSignatures.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
        }
    }

    public static void writeKeys(KeyPair keys, Path privateFile, Path publicFile) throws IOException {
        if (Files.exists(privateFile) || Files.exists(publicFile)) {
            throw new OwnerKitException(privateFile + " or " + publicFile + " already exists; refusing to overwrite a key");
        }
        Files.writeString(privateFile, PackageSignatures.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        try {
            privateFile.toFile().setReadable(false, false);
            privateFile.toFile().setReadable(true, true);
        } catch (SecurityException ignored) {
            // best effort
        }
        Files.writeString(publicFile, PackageSignatures.pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    }

    public static PrivateKey readPrivate(Path file) {
        return owners(() -> PackageSignatures.privateKey(read(file), file.toString()));
    }

    public static PublicKey readPublic(Path file) {
        return owners(() -> PackageSignatures.publicKey(read(file), file.toString()));
    }

    /** Signs the package in {@code dir} (its files must match its manifest). */
    public static void sign(Path dir, PrivateKey key, PublicKey publicKey) throws IOException {
        try {
            PackageSignatures.sign(dir, key, publicKey);
        } catch (PackageException e) {
            throw new OwnerKitException(e.getMessage(), e);
        }
    }

    /** {@link PackageSignatures#verify}: against {@code trusted}, or (null) only the package's integrity. */
    public static PackageSignatures.Verified verify(Path dir, PublicKey trusted) {
        return owners(() -> PackageSignatures.verify(dir, trusted));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new OwnerKitException(file + ": cannot read the key file");
        }
    }

    private interface Check<T> {
        T run();
    }

    private static <T> T owners(Check<T> check) {
        try {
            return check.run();
        } catch (PackageException e) {
            throw new OwnerKitException(e.getMessage(), e);
        }
    }
}
