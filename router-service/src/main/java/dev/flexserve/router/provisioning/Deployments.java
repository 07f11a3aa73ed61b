package dev.flexserve.router.provisioning;

import dev.flexserve.router.access.Caller;
import dev.flexserve.router.access.UnknownExpertException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** The uploaded experts' deployment records: created at upload, moved through {@link DeploymentState} by provisioners. */
@ApplicationScoped
public class Deployments {

    /** A deployment as the admin API shows an expert that is not (or no longer) registered. */
    public record View(String id, String owner, String status, String packageHash, String reason, Instant registeredAt,
                       Instant updatedAt) {
    }

    /** Records a new deployment; false when one with this id exists and is not removed. */
    boolean create(String id, String owner, String packageHash) {
        return QuarkusTransaction.requiringNew().call(() -> {
            DeploymentRecord existing = DeploymentRecord.findById(id);
            if (existing != null && existing.state != DeploymentState.REMOVED) {
                return false;
            }
            DeploymentRecord r = existing != null ? existing : new DeploymentRecord();
            Instant now = Instant.now();
            r.id = id;
            r.owner = owner;
            r.packageHash = packageHash;
            r.state = DeploymentState.PROVISIONING;
            r.endpoint = null;
            r.pid = null;
            r.reason = null;
            r.createdAt = now;
            r.updatedAt = now;
            r.persist();
            return true;
        });
    }

    void update(String id, Consumer<DeploymentRecord> change) {
        QuarkusTransaction.requiringNew().run(() -> {
            DeploymentRecord r = DeploymentRecord.findById(id);
            if (r != null) {
                change.accept(r);
                r.updatedAt = Instant.now();
            }
        });
    }

    public DeploymentRecord find(String id) {
        return QuarkusTransaction.requiringNew().call(() -> DeploymentRecord.<DeploymentRecord>findById(id));
    }

    /** Deployments whose workload should be running. */
    List<DeploymentRecord> live() {
        return QuarkusTransaction.requiringNew().call(() -> DeploymentRecord.<DeploymentRecord>list("state in ?1",
                List.of(DeploymentState.PROVISIONING, DeploymentState.READY)));
    }

    /**
     * The deployment of an expert {@code caller} manages.
     *
     * @throws UnknownExpertException when there is none, or it is another organization's
     */
    public View view(String id, Caller caller) {
        DeploymentRecord r = find(id);
        if (r == null || !caller.manages(r.owner)) {
            throw new UnknownExpertException(id);
        }
        return new View(r.id, r.owner, r.state == DeploymentState.REMOVED ? "revoked" : r.state.name().toLowerCase(Locale.ROOT),
                r.packageHash, r.reason, r.createdAt, r.updatedAt);
    }
}
