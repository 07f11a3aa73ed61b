package dev.flexserve.router.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A registered expert as persisted: who owns it, exactly which package (content hash), its router rows and bias,
 * where its expert-service runs, its status and its policy. The engine slot is fixed at registration, so slots
 * of sequences in flight never change meaning.
 */
@Entity
@Table(name = "expert")
public class ExpertRecord extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false, unique = true)
    public int slot;

    @Column(nullable = false, length = 2000)
    public String packagePath;

    @Column(nullable = false, length = 64)
    public String packageHash;

    /** Comma-separated {@code host:port} of the expert-service replicas. */
    @Column(nullable = false, length = 2000)
    public String endpoints;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ExpertStatus status;

    /** The policy as JSON ({@link Policy}). */
    @Column(nullable = false, length = 8000)
    public String policy;

    /** Router rows {@code [layers, hidden]}, float32 little-endian. */
    @Lob
    @Column(nullable = false)
    public byte[] router;

    /** Router bias {@code [layers]}, float32 little-endian, or null. */
    @Lob
    public byte[] bias;

    @Column(nullable = false)
    public Instant registeredAt;

    @Column(nullable = false)
    public Instant updatedAt;
}
