package dev.flexserve.router.provisioning;

import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.Manifest;
import dev.flexserve.model.packages.PackageException;
import dev.flexserve.model.packages.PackageSignatures;
import dev.flexserve.router.access.Caller;
import dev.flexserve.router.access.PermissionDeniedException;
import dev.flexserve.router.access.UnknownExpertException;
import dev.flexserve.router.registry.ExpertConflictException;
import dev.flexserve.router.registry.ExpertRegistry;
import dev.flexserve.router.registry.RegistrationRefusedException;
import dev.flexserve.router.store.PackageStore;
import dev.flexserve.router.trunk.Trunk;
import dev.flexserve.router.trust.SigningKeys;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * An owner's expert from upload to revocation. An upload is unpacked into the store's staging area and verified
 * before anything else sees it — the organization uploading owns it, it is signed by that organization's registered
 * key, every file matches its hash, it was trained against this trunk, its dimensions fit, its graphs use only
 * allowed operators and no data outside the package — then stored by content hash and handed to the
 * {@link Provisioner}, which registers it with the router once its workload is ready. Anything refused leaves nothing
 * behind (a valid package on a router that provisions nothing is refused too: 503). Revocation takes the expert out of routing first (the call returns only then) and then removes its workload.
 */
@ApplicationScoped
public class ExpertLifecycle {
    private static final Logger LOG = Logger.getLogger(ExpertLifecycle.class);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final PackageStore store;
    private final SigningKeys keys;
    private final Trunk trunk;
    private final ExpertRegistry registry;
    private final Deployments deployments;
    private final Provisioner provisioner;
    private final ProvisioningSettings settings;

    public ExpertLifecycle(PackageStore store, SigningKeys keys, Trunk trunk, ExpertRegistry registry, Deployments deployments,
                           Provisioner provisioner, ProvisioningSettings settings) {
        this.store = store;
        this.keys = keys;
        this.trunk = trunk;
        this.registry = registry;
        this.deployments = deployments;
        this.provisioner = provisioner;
        this.settings = settings;
    }

    /** Verifies, stores and provisions an uploaded package; the answer's status is {@code provisioning}. */
    public Deployments.View upload(InputStream archive, Caller caller) {
        if (!caller.isPlatform() && !caller.roles().contains(Caller.OWNER) && !caller.roles().contains(Caller.OPERATOR)) {
            throw new PermissionDeniedException("only owners and operators upload experts");
        }
        PackageStore.Staged staged = store.receive(archive);
        try {
            Manifest manifest = refusingAsRegistration(() -> Manifest.read(staged.dir()));
            String id = manifest.id();
            if (manifest.isTrunk()) {
                throw new RegistrationRefusedException("package", "the upload is a trunk; only expert packages are contributed");
            }
            if (!ID.matcher(id).matches() || id.equals(ExpertPackage.PUBLIC_ID)) {
                throw new RegistrationRefusedException("package", "'" + id + "' is not an expert id this platform accepts "
                        + "(lower-case letters, digits, '.', '_', '-'; not 'public')");
            }
            if (!caller.isPlatform() && !caller.roles().contains(Caller.OPERATOR) && !manifest.owner().equals(caller.organization())) {
                throw new PermissionDeniedException("the package belongs to '" + manifest.owner() + "'; organization '"
                        + caller.organization() + "' may upload only its own experts");
            }
            PackageSignatures.Verified signed = refusingAsRegistration(() ->
                    PackageSignatures.verify(staged.dir(), keys.of(manifest.owner())));
            ExpertPackage pkg = refusingAsRegistration(() -> ExpertPackage.load(staged.dir(), trunk.trunkPackage()));
            if (settings.mode() == ProvisioningSettings.Mode.NONE) {
                throw new ProvisioningUnavailableException("the package is valid, but this router provisions no uploaded experts "
                        + "(flexserve.router.provisioning.mode=none)");
            }
            if (registry.exists(id) || !deployments.create(id, manifest.owner(), pkg.hash())) {
                throw new ExpertConflictException("expert '" + id + "' already exists");
            }
            Path dir = store.commit(staged, pkg.hash());
            LOG.infof("expert %s of %s uploaded (package %s, signed by key %s); provisioning", id, manifest.owner(), pkg.hash(),
                    signed.keyFingerprint().substring(0, 16));
            provisioner.provision(new Provisioner.Deployed(id, manifest.owner(), pkg.hash(), dir));
            return deployments.view(id, Caller.PLATFORM);
        } catch (RuntimeException e) {
            if (staged.dir().toFile().exists()) {
                store.discard(staged);
            }
            throw e;
        }
    }

    /**
     * A provisioner outside this process (the Kubernetes operator) reports that the workload of uploaded expert
     * {@code id} is ready at {@code endpoint}: the expert is registered with its stored package there and serves.
     * Reporting the same endpoint again changes nothing; a revoked expert is never registered again.
     */
    public Object ready(String id, String endpoint, Caller caller) {
        if (!caller.isPlatform()) {
            throw new PermissionDeniedException("only the platform's provisioner reports workloads ready");
        }
        DeploymentRecord d = deployments.find(id);
        if (d == null) {
            throw new UnknownExpertException(id);
        }
        if (d.state == DeploymentState.REMOVED) {
            throw new ExpertConflictException("expert '" + id + "' is revoked; its workload is not taken back");
        }
        if (registry.exists(id)) {
            ExpertRegistry.View v = registry.get(id, caller);
            if (!endpoint.equals(v.endpoints())) {
                throw new ExpertConflictException("expert '" + id + "' already serves at " + v.endpoints());
            }
            return v;
        }
        ExpertRegistry.View v = registry.register(new ExpertRegistry.Registration(store.path(d.packageHash).toString(), endpoint,
                d.owner, null), caller);
        deployments.update(id, r -> {
            r.state = DeploymentState.READY;
            r.endpoint = endpoint;
            r.reason = null;
        });
        LOG.infof("uploaded expert %s of %s serves at %s", id, d.owner, endpoint);
        return v;
    }

    /** The router stops routing to the expert first (this returns only then); then its workload is removed. */
    public Object revoke(String id, Caller caller) {
        try {
            ExpertRegistry.View v = registry.revoke(id, caller);
            provisioner.remove(id);
            return v;
        } catch (UnknownExpertException notRegistered) {
            // An upload that never became ready: its workload (if any) goes, and it is recorded as revoked.
            deployments.view(id, caller);
            provisioner.remove(id);
            deployments.update(id, r -> r.state = DeploymentState.REMOVED);
            return deployments.view(id, caller);
        }
    }

    /** An expert as the admin API shows it: registered, or an upload whose workload is starting or failed. */
    public Object view(String id, Caller caller) {
        try {
            return registry.get(id, caller);
        } catch (UnknownExpertException notRegistered) {
            return deployments.view(id, caller);
        }
    }

    private interface Check<T> {
        T run();
    }

    /** A package that fails verification is the uploader's fault: a 400 that says why. */
    private static <T> T refusingAsRegistration(Check<T> check) {
        try {
            return check.run();
        } catch (PackageException e) {
            throw new RegistrationRefusedException("package", e.getMessage());
        }
    }
}
