package dev.flexserve.router.trust;

import dev.flexserve.model.packages.PackageSignatures;
import dev.flexserve.router.access.Caller;
import dev.flexserve.router.access.PermissionDeniedException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.PublicKey;
import java.time.Instant;

/**
 * Which key signs each organization's expert packages. The platform cannot tell an owner's key from an attacker's by
 * the upload alone (the same token would sign both), so keys are registered out of band by an operator, who checks
 * them with the organization; an upload is then accepted only when signed by its owner's registered key. One key per
 * organization: registering another replaces it (key rotation).
 */
@ApplicationScoped
public class SigningKeys {

    /** A registered key as the API shows it. */
    public record View(String organization, String fingerprint, String publicKey, Instant registeredAt) {
    }

    public View register(String organization, String pem, Caller caller) {
        if (!caller.isPlatform() && !caller.roles().contains(Caller.OPERATOR)) {
            throw new PermissionDeniedException("only the platform or an operator registers signing keys");
        }
        PublicKey key = PackageSignatures.publicKey(pem, "the signing key of " + organization);
        SigningKeyRecord r = QuarkusTransaction.requiringNew().call(() -> {
            SigningKeyRecord rec = SigningKeyRecord.findById(organization);
            if (rec == null) {
                rec = new SigningKeyRecord();
                rec.organization = organization;
            }
            rec.publicKey = PackageSignatures.pem("PUBLIC KEY", key.getEncoded());
            rec.fingerprint = PackageSignatures.fingerprint(key);
            rec.registeredAt = Instant.now();
            rec.persist();
            return rec;
        });
        return view(r);
    }

    /**
     * The key packages of {@code organization} must be signed by.
     *
     * @throws NoSigningKeyException when none is registered
     */
    public PublicKey of(String organization) {
        SigningKeyRecord r = QuarkusTransaction.requiringNew().call(() -> SigningKeyRecord.<SigningKeyRecord>findById(organization));
        if (r == null) {
            throw new NoSigningKeyException(organization);
        }
        return PackageSignatures.publicKey(r.publicKey, "the stored signing key of " + organization);
    }

    private static View view(SigningKeyRecord r) {
        return new View(r.organization, r.fingerprint, r.publicKey, r.registeredAt);
    }
}
