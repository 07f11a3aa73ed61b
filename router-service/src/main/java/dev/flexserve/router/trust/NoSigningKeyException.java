package dev.flexserve.router.trust;

/** An upload from an organization for which no signing key is registered: nothing it signs can be trusted yet. */
public class NoSigningKeyException extends RuntimeException {
    public NoSigningKeyException(String organization) {
        super("no package-signing key is registered for organization '" + organization
                + "'; an operator registers the organization's public key (PUT /v1/signing-keys/" + organization + ")");
    }
}
