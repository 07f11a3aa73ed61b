package dev.flexserve.internalauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The per-installation secret that proves a caller is the platform itself (the gateway calling the router, the
 * router calling an expert-service). It travels as {@code Authorization: Bearer <secret>}, over HTTP and as gRPC
 * metadata. Comparison takes the same time whatever the guess: both sides are hashed first, so neither length nor
 * prefix leaks.
 */
public final class InternalCredential {
    /** Shorter secrets are refused: a per-installation secret is generated, never typed. */
    public static final int MIN_LENGTH = 32;
    public static final String SCHEME = "Bearer ";

    private final byte[] expectedDigest;
    private final String headerValue;

    public InternalCredential(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            throw new IllegalStateException("flexserve.internal.secret must be at least " + MIN_LENGTH
                    + " characters (generate one, e.g. with 'openssl rand -hex 32')");
        }
        this.expectedDigest = sha256(SCHEME + secret);
        this.headerValue = SCHEME + secret;
    }

    /** Whether an {@code Authorization} header value carries this installation's secret. */
    public boolean accepts(String authorization) {
        return authorization != null && MessageDigest.isEqual(expectedDigest, sha256(authorization));
    }

    /** The {@code Authorization} header value a platform client sends. */
    public String headerValue() {
        return headerValue;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "InternalCredential[secret hidden]";
    }
}
