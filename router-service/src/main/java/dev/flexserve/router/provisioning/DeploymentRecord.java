package dev.flexserve.router.provisioning;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An uploaded expert and the workload that serves it (schema: {@code db/migration}). */
@Entity
@Table(name = "expert_deployment")
public class DeploymentRecord extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String owner;

    @Column(name = "package_hash", nullable = false, length = 64)
    public String packageHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeploymentState state;

    /** {@code host:port} of its expert-service once one runs. */
    public String endpoint;

    /** The operating system's id of its local expert-service process (embedded provisioning). */
    public Long pid;

    @Column(length = 4000)
    public String reason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
