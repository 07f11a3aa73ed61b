package dev.flexserve.router.fanout;

import dev.flexserve.internalauth.InternalCredential;
import dev.flexserve.router.trunk.RouterSettings;
import dev.flexserve.router.trunk.Trunk;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The router's connections to the expert-services and the threads that carry them: one Netty event loop group of
 * {@code flexserve.router.fanout-threads} threads for every expert's connections (a few threads that each serve
 * many connections wake less often than a thread per connection, which matters on few cores), and a sweep that fails
 * calls past their deadline. It opens every {@link ExpertEndpoint} and is the one that closes them, at shutdown or
 * when a registration is refused.
 */
@ApplicationScoped
public class Fanout {
    private final RouterSettings settings;
    private final MeterRegistry metrics;
    private final InternalCredential credential;
    private final int width;
    private final EventLoopGroup eventLoop;
    private final Map<String, ExpertEndpoint> endpoints = new ConcurrentHashMap<>();

    public Fanout(RouterSettings settings, Trunk trunk, MeterRegistry metrics, InternalCredential credential) {
        this.settings = settings;
        this.metrics = metrics;
        this.credential = credential;
        this.width = trunk.trunkPackage().config().hiddenSize();
        this.eventLoop = new NioEventLoopGroup(settings.fanoutThreads(), new DefaultThreadFactory("expert-fanout", true));
        // A tenth of the timeout between sweeps: deadlines hold to within 10%, at a few wake-ups a second.
        long sweep = Math.max(1, settings.expertTimeout().toMillis() / 10);
        eventLoop.scheduleAtFixedRate(() -> endpoints.values().forEach(ExpertEndpoint::expireLateCalls), sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** Opens (lazily: nothing connects before the first call) the connections to expert {@code id}'s replicas. */
    public ExpertEndpoint connect(String id, String owner, List<String> targets) {
        ExpertEndpoint e = new ExpertEndpoint(id, owner, targets, width, settings.expertTimeout(), credential.headerValue(), metrics, eventLoop);
        ExpertEndpoint old = endpoints.put(id, e);
        if (old != null) {
            old.close();
        }
        return e;
    }

    /** The endpoint of a connected expert. */
    public ExpertEndpoint endpoint(String id) {
        ExpertEndpoint e = endpoints.get(id);
        if (e == null) {
            throw new IllegalStateException("expert " + id + " is not connected");
        }
        return e;
    }

    /** Closes the connections of an expert whose registration did not complete. */
    public void disconnect(String id) {
        ExpertEndpoint e = endpoints.remove(id);
        if (e != null) {
            e.close();
        }
    }

    @PreDestroy
    void close() {
        endpoints.values().forEach(ExpertEndpoint::close);
        endpoints.clear();
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
