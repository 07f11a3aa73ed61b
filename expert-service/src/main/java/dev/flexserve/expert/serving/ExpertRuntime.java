package dev.flexserve.expert.serving;

import dev.flexserve.expert.engine.ExecutionProvider;
import dev.flexserve.expert.engine.FfnLoader;
import dev.flexserve.model.engine.ExpertFfn;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageException;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The one expert this process serves: its verified package, its ONNX Runtime sessions while active, and the
 * activation state. Plain Java (no CDI) so that startup failures and the locking can be tested directly.
 *
 * <p>Concurrency: {@link #forward} holds the read lock of a fair read/write lock for the whole inference, so calls
 * for any layers run in parallel (ONNX Runtime sessions are safe for concurrent runs). {@link #deactivate} takes the
 * write lock to drop the sessions: it waits for the calls already running, and every call that takes the read lock
 * afterwards sees no sessions and is refused. Because the lock is fair, a waiting deactivation is not starved by new
 * calls, and those calls queue behind it and are refused. The sessions are closed only after no call can reach them.
 * Activation and deactivation are serialised with each other.
 */
public final class ExpertRuntime implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExpertRuntime.class);

    /** What to serve and how; see {@code dev.flexserve.expert.config.ExpertConfig}. */
    public record Settings(Path packageDir, String baseHash, int intraOpThreads, ExecutionProvider provider,
                           boolean startActive) {
        public Settings {
            Objects.requireNonNull(packageDir, "packageDir");
            Objects.requireNonNull(provider, "provider");
            if (baseHash == null || baseHash.isBlank()) {
                throw new IllegalArgumentException("flexserve.expert.base-hash must name the trunk's content hash");
            }
            if (intraOpThreads < 1) {
                throw new IllegalArgumentException("flexserve.expert.intra-op-threads must be >= 1, got " + intraOpThreads);
            }
        }
    }

    private final Settings settings;
    private final FfnLoader loader;
    /** The package as verified at startup: what this process serves, for its whole life. */
    private final ExpertPackage served;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final Object transitions = new Object();
    private final AtomicLong forwardCalls = new AtomicLong();
    private final AtomicLong rowsInFlight = new AtomicLong();
    /** Guarded by {@link #gate}; null while deactivated. */
    private ExpertFfn ffn;
    /** Mirrors {@code ffn != null} for lock-free readers (health, metrics, Describe). */
    private volatile boolean active;

    private ExpertRuntime(Settings settings, FfnLoader loader, ExpertPackage served) {
        this.settings = settings;
        this.loader = loader;
        this.served = served;
    }

    /**
     * Verifies the package (every file hash, the graphs, the shapes, the base hash) and, when {@code startActive},
     * opens its sessions.
     *
     * @throws ExpertStartupException with a one-line message naming the package and the problem
     */
    public static ExpertRuntime start(Settings settings, FfnLoader loader) {
        ExpertPackage pkg;
        try {
            pkg = verify(settings);
        } catch (RuntimeException e) {
            throw new ExpertStartupException("expert-service cannot start: " + oneLine(e), e);
        }
        ExpertRuntime runtime = new ExpertRuntime(settings, loader, pkg);
        if (settings.startActive()) {
            try {
                runtime.install(loader.open(pkg, settings.intraOpThreads()));
            } catch (RuntimeException e) {
                throw new ExpertStartupException("expert-service cannot start: expert " + pkg.id() + " from "
                        + settings.packageDir() + " cannot be loaded on " + providerName(settings) + ": " + oneLine(e), e);
            }
        }
        LOG.infof("serving expert %s (owner %s, package %s, base %s, %d layers of width %d) on %s, %s", pkg.id(),
                pkg.manifest().owner(), pkg.hash(), pkg.manifest().baseHash(), numLayers(pkg), hiddenSize(pkg),
                providerName(settings), runtime.active ? "active" : "deactivated");
        return runtime;
    }

    private static ExpertPackage verify(Settings settings) {
        Path dir = settings.packageDir();
        if (!Files.isDirectory(dir)) {
            throw new PackageException(dir + ": expert package directory does not exist");
        }
        return ExpertPackage.loadForServing(dir, settings.baseHash());
    }

    /**
     * Applies layer {@code layer} of the FFN to {@code count} rows.
     *
     * @throws ExpertInactiveException while deactivated (also for a call that waited behind a deactivation)
     */
    public float[] forward(int layer, float[] rows, int count) {
        rowsInFlight.addAndGet(count);
        Lock read = gate.readLock();
        read.lock();
        try {
            ExpertFfn current = ffn;
            if (current == null) {
                throw new ExpertInactiveException(id());
            }
            float[] out = current.forward(layer, rows, count);
            if (out.length != rows.length) {
                throw new IllegalStateException("expert " + id() + " layer " + layer + " returned " + out.length
                        + " values for " + count + " rows of " + hiddenSize());
            }
            forwardCalls.incrementAndGet();
            return out;
        } finally {
            read.unlock();
            rowsInFlight.addAndGet(-count);
        }
    }

    /**
     * Re-verifies the package on disk (it may have changed while inactive) and opens its sessions. A no-op when
     * already active.
     *
     * @throws ActivationException when the package no longer verifies, is no longer the package served, or cannot
     *                             be opened; the expert stays deactivated
     */
    public ExpertState activate() {
        synchronized (transitions) {
            if (active) {
                return describe();
            }
            ExpertPackage fresh;
            try {
                fresh = verify(settings);
            } catch (RuntimeException e) {
                throw refused("its package no longer verifies: " + oneLine(e), e);
            }
            if (!fresh.hash().equals(served.hash()) || !fresh.id().equals(served.id())
                    || !Objects.equals(fresh.manifest().owner(), served.manifest().owner())) {
                throw refused("its package in " + settings.packageDir() + " changed while inactive (now expert "
                        + fresh.id() + " of " + fresh.manifest().owner() + ", content hash " + fresh.hash()
                        + "; served " + served.hash() + "); restart the process to serve a new package", null);
            }
            ExpertFfn opened;
            try {
                opened = loader.open(fresh, settings.intraOpThreads());
            } catch (RuntimeException e) {
                throw refused("its sessions cannot be opened on " + providerName(settings) + ": " + oneLine(e), e);
            }
            install(opened);
            LOG.infof("expert %s activated", id());
            return describe();
        }
    }

    /**
     * Refuses every later call, waits for the calls already running, and closes the sessions (freeing their memory).
     * When this returns, no call runs on this expert's weights. A no-op when already deactivated.
     */
    public ExpertState deactivate() {
        synchronized (transitions) {
            ExpertFfn old;
            Lock write = gate.writeLock();
            write.lock();
            try {
                old = ffn;
                ffn = null;
                active = false;
            } finally {
                write.unlock();
            }
            if (old != null) {
                closeQuietly(old);
                LOG.infof("expert %s deactivated; its sessions are closed", id());
            }
            return describe();
        }
    }

    private void install(ExpertFfn opened) {
        Lock write = gate.writeLock();
        write.lock();
        try {
            ffn = opened;
            active = true;
        } finally {
            write.unlock();
        }
    }

    private ActivationException refused(String reason, Throwable cause) {
        LOG.warnf("expert %s stays deactivated: %s", id(), reason);
        return new ActivationException("expert " + id() + " stays deactivated: " + reason, cause);
    }

    private void closeQuietly(ExpertFfn old) {
        try {
            old.close();
        } catch (RuntimeException e) {
            LOG.warnf("expert %s: closing its sessions failed: %s", id(), oneLine(e));
        }
    }

    public ExpertState describe() {
        return new ExpertState(id(), owner(), packageHash(), baseHash(), hiddenSize(), numLayers(), active,
                forwardCalls.get(), providerName(settings));
    }

    public String id() {
        return served.id();
    }

    public String owner() {
        return served.manifest().owner();
    }

    public String packageHash() {
        return served.hash();
    }

    public String baseHash() {
        return served.manifest().baseHash();
    }

    public int hiddenSize() {
        return hiddenSize(served);
    }

    public int numLayers() {
        return numLayers(served);
    }

    public boolean isActive() {
        return active;
    }

    public long forwardCalls() {
        return forwardCalls.get();
    }

    /** Rows of the Forward calls now computing or waiting to: the load an autoscaler reads. */
    public long rowsInFlight() {
        return rowsInFlight.get();
    }

    @Override
    public void close() {
        deactivate();
    }

    private static int hiddenSize(ExpertPackage pkg) {
        return pkg.manifest().dims().hiddenSize();
    }

    private static int numLayers(ExpertPackage pkg) {
        return pkg.manifest().dims().numHiddenLayers();
    }

    private static String providerName(Settings settings) {
        return settings.provider().name().toLowerCase();
    }

    /** Exception messages (ONNX Runtime's in particular) can span lines; logs and statuses get one. */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
