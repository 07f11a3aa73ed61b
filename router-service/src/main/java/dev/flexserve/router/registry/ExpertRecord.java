package dev.flexserve.router.registry;

import dev.flexserve.router.access.ExpertStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/**
 * A registered expert as persisted (schema: {@code db/migration}): who owns it, exactly which package (content hash),
 * its router rows and bias, where its expert-service runs, its status and its policy. The engine slot is fixed at
 * registration, so slots of sequences in flight never change meaning.
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

    @Column(name = "package_path", nullable = false, length = 2000)
    public String packagePath;

    @Column(name = "package_hash", nullable = false, length = 64)
    public String packageHash;

    /** Comma-separated {@code host:port} of the expert-service replicas. */
    @Column(nullable = false, length = 2000)
    public String endpoints;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ExpertStatus status;

    /** The policy as JSON. */
    @Column(nullable = false, length = 8000)
    public String policy;

    /** Router rows {@code [layers, hidden]}, float32 little-endian. */
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(nullable = false)
    public byte[] router;

    /** Router bias {@code [layers]}, float32 little-endian, or null. */
    @JdbcTypeCode(SqlTypes.VARBINARY)
    public byte[] bias;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
