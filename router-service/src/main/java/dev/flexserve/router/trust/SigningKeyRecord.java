package dev.flexserve.router.trust;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An organization's trusted package-signing key (schema: {@code db/migration}). */
@Entity
@Table(name = "signing_key")
public class SigningKeyRecord extends PanacheEntityBase {
    @Id
    public String organization;

    /** The Ed25519 public key, PEM (X.509). */
    @Column(name = "public_key", nullable = false)
    public String publicKey;

    @Column(nullable = false, length = 64)
    public String fingerprint;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;
}
