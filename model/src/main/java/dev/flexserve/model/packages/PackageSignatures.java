package dev.flexserve.model.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Ed25519 signatures of expert packages, made by the owner kit and checked by the platform. The owner signs the
 * statement {@code "flexserve-expert-package-v1\n" + id + "\n" + content hash + "\n" + base (trunk) hash + "\n"}: the
 * content hash covers every file of the package (docs/model.md), the base hash binds it to the trunk it was trained
 * against. The signature lives in {@value #FILE} beside the manifest; it is not a listed file, so signing does not
 * change the package's identity. Keys are PEM (PKCS#8 private, X.509 public). Every refusal is a
 * {@link PackageException} with one line that says why.
 */
public final class PackageSignatures {
    public static final String FILE = "signature.json";
    public static final String ALGORITHM = "Ed25519";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PackageSignatures() {
    }

    /** What a valid signature proves: this package, its content, its trunk, signed by the key with this fingerprint. */
    public record Verified(String id, String contentHash, String baseHash, String keyFingerprint) {
    }

    public static PrivateKey privateKey(String pem, String where) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(unpem(pem, "PRIVATE KEY", where)));
        } catch (GeneralSecurityException e) {
            throw new PackageException(where + ": not an Ed25519 private key");
        }
    }

    public static PublicKey publicKey(String pem, String where) {
        return publicKey(unpem(pem, "PUBLIC KEY", where), where);
    }

    private static PublicKey publicKey(byte[] der, String where) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PackageException(where + ": not an Ed25519 public key");
        }
    }

    /** SHA-256 of the public key's X.509 encoding, hex: how a platform names a trusted owner key. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static byte[] statement(String id, String contentHash, String baseHash) {
        return ("flexserve-expert-package-v1\n" + id + "\n" + contentHash + "\n" + baseHash + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Signs the expert package in {@code dir} (its files must match its manifest) and writes {@value #FILE}. */
    public static void sign(Path dir, PrivateKey key, PublicKey publicKey) throws IOException {
        Manifest m = Manifest.read(dir);
        if (m.isTrunk()) {
            throw new PackageException(dir + ": is a trunk; only expert packages are signed");
        }
        String hash = checkedContentHash(dir, m);
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(statement(m.id(), hash, m.baseHash()));
            ObjectNode n = JSON.createObjectNode();
            n.put("algorithm", ALGORITHM);
            n.put("id", m.id());
            n.put("content_hash", hash);
            n.put("base_hash", m.baseHash());
            n.put("public_key", Base64.getEncoder().encodeToString(publicKey.getEncoded()));
            n.put("key_fingerprint", fingerprint(publicKey));
            n.put("signature", Base64.getEncoder().encodeToString(s.sign()));
            JSON.writeValue(dir.resolve(FILE).toFile(), n);
        } catch (GeneralSecurityException e) {
            throw new PackageException("cannot sign " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Verifies the package's files against its manifest and its signature against {@code trusted} (or, when null,
     * against the key the signature names, which only proves integrity, not who signed).
     */
    public static Verified verify(Path dir, PublicKey trusted) {
        Manifest m = Manifest.read(dir);
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new PackageException(dir + ": the package is not signed (no " + FILE + ")");
        }
        String hash = checkedContentHash(dir, m);
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new PackageException(file + ": not a signature file");
        }
        if (!ALGORITHM.equals(n.path("algorithm").asText())) {
            throw new PackageException(file + ": unsupported signature algorithm '" + n.path("algorithm").asText() + "'");
        }
        PublicKey named;
        try {
            named = publicKey(Base64.getDecoder().decode(n.path("public_key").asText()), file.toString());
        } catch (IllegalArgumentException e) {
            throw new PackageException(file + ": the public key is not base64");
        }
        PublicKey key = trusted == null ? named : trusted;
        if (trusted != null && !fingerprint(trusted).equals(fingerprint(named))) {
            throw new PackageException(dir + ": signed by key " + fingerprint(named).substring(0, 16)
                    + ", not by the trusted key " + fingerprint(trusted).substring(0, 16));
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(statement(m.id(), hash, m.baseHash()));
            if (!s.verify(Base64.getDecoder().decode(n.path("signature").asText()))) {
                throw new PackageException(dir + ": the signature does not match the package (id, content or trunk changed)");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PackageException(dir + ": the signature is malformed: " + e.getMessage());
        }
        return new Verified(m.id(), hash, m.baseHash(), fingerprint(key));
    }

    private static String checkedContentHash(Path dir, Manifest m) {
        for (Map.Entry<String, String> e : m.files().entrySet()) {
            Path f = dir.resolve(e.getKey()).normalize();
            if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                throw new PackageException(dir + ": file " + e.getKey() + " listed in the manifest is missing");
            }
            try {
                if (!ContentHash.ofFile(f).equalsIgnoreCase(e.getValue())) {
                    throw new PackageException(dir + ": file " + e.getKey() + " fails its SHA-256 check");
                }
            } catch (IOException ex) {
                throw new PackageException(dir + ": cannot read " + e.getKey());
            }
        }
        return ContentHash.ofPackage(m.files());
    }

    private static byte[] unpem(String text, String type, String where) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int a = text.indexOf(begin);
        int b = text.indexOf(end);
        if (a < 0 || b < a) {
            throw new PackageException(where + ": not a PEM " + type.toLowerCase() + " file");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(a + begin.length(), b));
        } catch (IllegalArgumentException e) {
            throw new PackageException(where + ": the PEM " + type.toLowerCase() + " is not base64");
        }
    }
}
