package dev.flexserve.router.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.expert.v1.ExpertDescription;
import dev.flexserve.model.engine.Expert;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageException;
import dev.flexserve.router.access.Caller;
import dev.flexserve.router.access.ExpertRule;
import dev.flexserve.router.access.ExpertStatus;
import dev.flexserve.router.access.PermissionDeniedException;
import dev.flexserve.router.access.Policy;
import dev.flexserve.router.access.UnknownExpertException;
import dev.flexserve.router.fanout.ExpertCallException;
import dev.flexserve.router.fanout.ExpertEndpoint;
import dev.flexserve.router.fanout.Fanout;
import dev.flexserve.router.scheduler.Scheduler;
import dev.flexserve.router.trunk.Trunk;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The expert registry: registration (the package is verified against the trunk, and the endpoint must serve
 * exactly that package), policy changes, activation, deactivation and revocation, persisted with Panache and
 * mirrored into the scheduler. Taking an expert away returns only when no step will use it any more; then the
 * expert-service is told to refuse calls too. Every call names its {@link Caller}: an owner sees and changes only its
 * own organization's experts (another's answer exactly like an unknown id), operators and the platform all of them.
 */
@Startup
@ApplicationScoped
public class ExpertRegistry {
    private static final Logger LOG = Logger.getLogger(ExpertRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final Trunk trunk;
    private final Scheduler scheduler;
    private final Fanout fanout;

    public ExpertRegistry(Trunk trunk, Scheduler scheduler, Fanout fanout) {
        this.trunk = trunk;
        this.scheduler = scheduler;
        this.fanout = fanout;
        restore();
    }

    /** What an owner asks to register. {@code owner} must be the package's owner. */
    public record Registration(String packagePath, String endpoints, String owner, Policy policy) {
    }

    /** A registered expert as the admin API shows it ({@code package_hash} is its version). */
    public record View(String id, String owner, int slot, ExpertStatus status, String packageHash, String endpoints,
                       Policy policy, Instant registeredAt, Instant updatedAt) {
    }

    private void restore() {
        List<ExpertRecord> records = QuarkusTransaction.requiringNew().call(() -> ExpertRecord.<ExpertRecord>listAll());
        records.sort((a, b) -> Integer.compare(a.slot, b.slot));
        for (ExpertRecord r : records) {
            if (r.slot != scheduler.slotCount()) {
                throw new IllegalStateException("registry slots are not contiguous at " + r.id + " (slot " + r.slot + ")");
            }
            ExpertEndpoint endpoint = connect(r.id, r.owner, r.endpoints);
            scheduler.setSlot(r.slot, expert(r, endpoint), rule(r));
            LOG.infof("restored expert %s (slot %d, %s)", r.id, r.slot, r.status);
        }
    }

    public View register(Registration reg, Caller caller) {
        if (!caller.isPlatform() && !caller.roles().contains(Caller.OPERATOR)) {
            throw new PermissionDeniedException("only the platform or an operator registers experts");
        }
        if (reg.packagePath() == null || reg.endpoints() == null) {
            throw new RegistrationRefusedException("package", "registration needs 'package' and 'endpoint'");
        }
        ExpertPackage pkg;
        try {
            pkg = ExpertPackage.load(Path.of(reg.packagePath()), trunk.trunkPackage());
        } catch (PackageException e) {
            throw new RegistrationRefusedException("package", e.getMessage());
        }
        String id = pkg.id();
        if (id.equals(ExpertPackage.PUBLIC_ID)) {
            throw new ExpertConflictException("the public expert is part of the trunk and cannot be registered");
        }
        String owner = reg.owner() == null ? pkg.manifest().owner() : reg.owner();
        if (!owner.equals(pkg.manifest().owner())) {
            throw new RegistrationRefusedException("owner", "package '" + id + "' belongs to '" + pkg.manifest().owner()
                    + "', not to '" + owner + "'");
        }
        List<String> targets;
        try {
            targets = ExpertEndpoint.parse(reg.endpoints());
        } catch (IllegalArgumentException e) {
            throw new RegistrationRefusedException("endpoint", e.getMessage());
        }
        synchronized (this) {
            if (QuarkusTransaction.requiringNew().call(() -> ExpertRecord.findById(id)) != null) {
                throw new ExpertConflictException("expert '" + id + "' is already registered");
            }
            ExpertEndpoint endpoint = connect(id, owner, String.join(",", targets));
            try {
                ExpertDescription served = endpoint.describe();
                if (!served.getPackageHash().equals(pkg.hash()) || !served.getExpertId().equals(id)) {
                    throw new RegistrationRefusedException("endpoint", "the expert-service at " + reg.endpoints() + " serves '"
                            + served.getExpertId() + "' " + served.getPackageHash() + ", not '" + id + "' " + pkg.hash());
                }
            } catch (ExpertCallException e) {
                fanout.disconnect(id);
                throw new RegistrationRefusedException("endpoint", e.getMessage());
            } catch (RegistrationRefusedException e) {
                fanout.disconnect(id);
                throw e;
            }
            Instant now = Instant.now();
            ExpertRecord r = new ExpertRecord();
            r.id = id;
            r.owner = owner;
            r.slot = scheduler.slotCount();
            r.packagePath = Path.of(reg.packagePath()).toAbsolutePath().normalize().toString();
            r.packageHash = pkg.hash();
            r.endpoints = String.join(",", targets);
            r.status = ExpertStatus.ACTIVE;
            r.policy = write(reg.policy() == null ? Policy.everyone() : reg.policy());
            r.router = floats(flatten(pkg.router()));
            r.bias = pkg.bias() == null ? null : floats(pkg.bias());
            r.registeredAt = now;
            r.updatedAt = now;
            QuarkusTransaction.requiringNew().run(r::persist);
            scheduler.setSlot(r.slot, expert(r, endpoint), rule(r));
            LOG.infof("registered expert %s of %s at %s (slot %d)", id, owner, r.endpoints, r.slot);
            return view(r);
        }
    }

    /** The experts {@code caller} manages, in slot order. */
    public List<View> list(Caller caller) {
        return QuarkusTransaction.requiringNew().call(() -> ExpertRecord.<ExpertRecord>listAll().stream()
                .filter(r -> caller.manages(r.owner))
                .sorted((a, b) -> Integer.compare(a.slot, b.slot)).map(ExpertRegistry::view).toList());
    }

    /** Whether an expert of this id is registered (whoever owns it). */
    public boolean exists(String id) {
        return QuarkusTransaction.requiringNew().call(() -> ExpertRecord.findById(id)) != null;
    }

    public View get(String id, Caller caller) {
        return view(find(id, caller));
    }

    public View setPolicy(String id, Policy policy, Caller caller) {
        find(id, caller);
        return update(id, r -> r.policy = write(policy));
    }

    public View activate(String id, Caller caller) {
        ExpertRecord current = find(id, caller);
        if (current.status == ExpertStatus.REVOKED) {
            throw new ExpertConflictException("expert '" + id + "' is revoked; revocation is final");
        }
        ExpertEndpoint.Confirmation c = fanout.endpoint(id).setActive(true);
        if (c.confirmed() == 0) {
            throw new ExpertConflictException("no expert-service replica of '" + id + "' confirmed activation: "
                    + String.join("; ", c.failures()));
        }
        return update(id, r -> r.status = ExpertStatus.ACTIVE);
    }

    public View deactivate(String id, Caller caller) {
        return takeAway(id, ExpertStatus.INACTIVE, caller);
    }

    public View revoke(String id, Caller caller) {
        return takeAway(id, ExpertStatus.REVOKED, caller);
    }

    /** The router stops routing first (and waits for the step in flight), then tells the expert-service. */
    private View takeAway(String id, ExpertStatus status, Caller caller) {
        ExpertRecord current = find(id, caller);
        if (current.status == ExpertStatus.REVOKED && status != ExpertStatus.REVOKED) {
            throw new ExpertConflictException("expert '" + id + "' is revoked; revocation is final");
        }
        View v = update(id, r -> r.status = status);
        ExpertEndpoint.Confirmation c = fanout.endpoint(id).setActive(false);
        LOG.infof("expert %s %s; %d expert-service replica(s) confirmed%s", id, status, c.confirmed(),
                c.failures().isEmpty() ? "" : ", not confirmed: " + String.join("; ", c.failures()));
        return v;
    }

    private interface Change {
        void apply(ExpertRecord r);
    }

    private synchronized View update(String id, Change change) {
        ExpertRecord r = QuarkusTransaction.requiringNew().call(() -> {
            ExpertRecord rec = ExpertRecord.findById(id);
            if (rec == null) {
                throw new UnknownExpertException(id);
            }
            change.apply(rec);
            rec.updatedAt = Instant.now();
            return rec;
        });
        scheduler.updateRule(r.slot, rule(r));
        return view(r);
    }

    private ExpertRecord find(String id, Caller caller) {
        ExpertRecord r = QuarkusTransaction.requiringNew().call(() -> ExpertRecord.<ExpertRecord>findById(id));
        if (r == null || !caller.manages(r.owner)) {
            throw new UnknownExpertException(id);
        }
        return r;
    }

    private ExpertEndpoint connect(String id, String owner, String targets) {
        return fanout.connect(id, owner, ExpertEndpoint.parse(targets));
    }

    private Expert expert(ExpertRecord r, ExpertEndpoint endpoint) {
        int layers = trunk.trunkPackage().config().numHiddenLayers();
        int d = trunk.trunkPackage().config().hiddenSize();
        float[] flat = floats(r.router);
        float[][] rows = new float[layers][d];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(flat, l * d, rows[l], 0, d);
        }
        return new Expert(r.id, r.owner, r.packageHash, rows, r.bias == null ? null : floats(r.bias), endpoint);
    }

    private static ExpertRule rule(ExpertRecord r) {
        return new ExpertRule(r.owner, r.status, read(r.policy));
    }

    private static View view(ExpertRecord r) {
        return new View(r.id, r.owner, r.slot, r.status, r.packageHash, r.endpoints, read(r.policy), r.registeredAt, r.updatedAt);
    }

    private static String write(Policy p) {
        try {
            return JSON.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Policy read(String json) {
        try {
            return JSON.readValue(json, Policy.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy is not valid: " + json, e);
        }
    }

    private static float[] flatten(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
        }
        return flat;
    }

    private static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
