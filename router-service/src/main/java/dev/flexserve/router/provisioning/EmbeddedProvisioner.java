package dev.flexserve.router.provisioning;

import dev.flexserve.process.ServiceProcess;
import dev.flexserve.router.access.Caller;
import dev.flexserve.router.registry.ExpertRegistry;
import dev.flexserve.router.store.PackageStore;
import dev.flexserve.router.trunk.Trunk;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs each uploaded expert as a local expert-service process ({@code flexserve up}'s way): started from the
 * expert-service jar with the stored package and the platform's credential, registered with the router once ready,
 * restarted (on the same port, with backoff) whenever it dies, stopped on {@link #remove}. Its process id is recorded,
 * so a router restarted after a crash ends the processes its predecessor left and starts them afresh.
 */
@Startup
@ApplicationScoped
@Typed(EmbeddedProvisioner.class) // the Provisioner is chosen by mode: ProvisionerChoice
public class EmbeddedProvisioner implements Provisioner {
    private static final Logger LOG = Logger.getLogger(EmbeddedProvisioner.class);
    private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(30);

    private final ProvisioningSettings settings;
    private final Deployments deployments;
    private final ExpertRegistry registry;
    private final Trunk trunk;
    private final PackageStore store;
    private final String secret;
    private final Map<String, Supervised> running = new ConcurrentHashMap<>();
    private final ExecutorService starts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "expert-provisioning");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    public EmbeddedProvisioner(ProvisioningSettings settings, Deployments deployments, ExpertRegistry registry, Trunk trunk,
                               PackageStore store, @ConfigProperty(name = "flexserve.internal.secret") String secret) {
        this.store = store;
        this.settings = settings;
        this.deployments = deployments;
        this.registry = registry;
        this.trunk = trunk;
        this.secret = secret;
        if (settings.mode() == ProvisioningSettings.Mode.EMBEDDED) {
            restore();
        }
    }

    /** One expert's process and whether it was removed (then it is not restarted). */
    private static final class Supervised {
        final ServiceProcess process;
        volatile boolean removed;

        Supervised(ServiceProcess process) {
            this.process = process;
        }
    }

    @Override
    public void provision(Deployed d) {
        starts.submit(() -> start(d, freePort(), true));
    }

    /** Takes over the deployments a previous router left: their stale processes are ended and started again. */
    private void restore() {
        for (DeploymentRecord r : deployments.live()) {
            if (r.pid != null) {
                ProcessHandle.of(r.pid).ifPresent(stale -> {
                    stale.destroy();
                    stale.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(t -> {
                        stale.destroyForcibly();
                        return stale;
                    }).join();
                });
            }
            Deployed d = new Deployed(r.id, r.owner, r.packageHash, store.path(r.packageHash));
            int port = r.endpoint == null ? freePort() : Integer.parseInt(r.endpoint.substring(r.endpoint.lastIndexOf(':') + 1));
            boolean registered = r.state == DeploymentState.READY;
            LOG.infof("restarting the expert-service of uploaded expert %s on port %d", r.id, port);
            starts.submit(() -> start(d, port, !registered));
        }
    }

    private void start(Deployed d, int port, boolean register) {
        Path jar = settings.expertJar().orElseThrow(() -> new ProvisioningUnavailableException(
                "flexserve.router.provisioning.expert-jar is not set"));
        String endpoint = "127.0.0.1:" + port;
        ServiceProcess process = ServiceProcess.quarkus("expert-" + d.id(), jar, settings.jvmOptions(), List.of(
                        "flexserve.expert.package=" + d.packageDir().toAbsolutePath(),
                        "flexserve.expert.base-hash=" + trunk.trunkPackage().hash()),
                Map.of("FLEXSERVE_INTERNAL_SECRET", secret), port, port,
                settings.logDirectory().resolve("expert-" + d.id() + ".log"));
        Supervised supervised = new Supervised(process);
        Supervised previous = running.put(d.id(), supervised);
        if (previous != null && previous.removed) {
            running.remove(d.id());
            return;
        }
        try {
            process.start();
            deployments.update(d.id(), r -> {
                r.pid = process.pid();
                r.endpoint = endpoint;
            });
            process.awaitReady(settings.startupTimeout());
            if (register) {
                registry.register(new ExpertRegistry.Registration(d.packageDir().toString(), endpoint, d.owner(), null), Caller.PLATFORM);
            }
            deployments.update(d.id(), r -> {
                r.state = DeploymentState.READY;
                r.reason = null;
            });
            LOG.infof("uploaded expert %s of %s serves at %s", d.id(), d.owner(), endpoint);
            supervise(d, supervised, port, Duration.ofSeconds(1));
        } catch (IOException | RuntimeException e) {
            LOG.errorf("uploaded expert %s could not be provisioned: %s", d.id(), e.getMessage());
            running.remove(d.id(), supervised);
            stop(process);
            deployments.update(d.id(), r -> {
                r.state = DeploymentState.FAILED;
                r.reason = e.getMessage();
                r.pid = null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
        }
    }

    /** Restarts the process on the same port whenever it dies, until the expert is removed. */
    private void supervise(Deployed d, Supervised s, int port, Duration backoff) {
        s.process.exited().thenRun(() -> {
            if (s.removed || stopping) {
                return;
            }
            LOG.warnf("the expert-service of %s exited; restarting it in %d ms", d.id(), backoff.toMillis());
            starts.submit(() -> {
                try {
                    Thread.sleep(backoff.toMillis());
                    if (s.removed || stopping) {
                        return;
                    }
                    s.process.start();
                    deployments.update(d.id(), r -> r.pid = s.process.pid());
                    s.process.awaitReady(settings.startupTimeout());
                    supervise(d, s, port, Duration.ofSeconds(1));
                } catch (IOException | RuntimeException e) {
                    LOG.errorf("restarting the expert-service of %s failed: %s", d.id(), e.getMessage());
                    supervise(d, s, port, backoff.multipliedBy(2).compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff.multipliedBy(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        });
    }

    @Override
    public void remove(String id) {
        Supervised s = running.remove(id);
        if (s == null) {
            return;
        }
        s.removed = true;
        stop(s.process);
        deployments.update(id, r -> {
            r.state = DeploymentState.REMOVED;
            r.pid = null;
        });
        LOG.infof("uploaded expert %s: its expert-service is stopped", id);
    }

    private static void stop(ServiceProcess process) {
        try {
            process.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for an expert-service", e);
        }
    }

    /** The router is going away: its experts' processes go with it (they are restarted with the next router). */
    @PreDestroy
    void close() {
        stopping = true;
        starts.shutdownNow();
        running.values().forEach(s -> stop(s.process));
    }
}
