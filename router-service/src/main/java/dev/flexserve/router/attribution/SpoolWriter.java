package dev.flexserve.router.attribution;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Appends records to the spool on its own thread, so that no caller blocks on the disk, and in groups: whatever
 * queued up while one fsync ran is written with the next, one fsync for all. A record's future completes only after
 * the fsync that covered it.
 */
final class SpoolWriter {
    private static final Logger LOG = Logger.getLogger(SpoolWriter.class);
    private static final int GROUP = 512;

    private record Pending(SpoolRecord record, CompletableFuture<Void> written) {
    }

    private final Spool spool;
    private final Runnable afterAppend;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopping;

    SpoolWriter(Spool spool, Runnable afterAppend) {
        this.spool = spool;
        this.afterAppend = afterAppend;
        this.thread = new Thread(this::run, "attribution-spool-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Synchronized with {@link #stop}: once it has begun, no record enters the queue, so none is left behind. */
    synchronized CompletableFuture<Void> write(SpoolRecord record) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        if (stopping) {
            written.completeExceptionally(new IllegalStateException("the attribution spool is closed (shutting down)"));
        } else {
            queue.add(new Pending(record, written));
        }
        return written;
    }

    private void run() {
        while (!stopping || !queue.isEmpty()) {
            Pending first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            List<Pending> group = new ArrayList<>();
            group.add(first);
            queue.drainTo(group, GROUP - 1);
            writeGroup(group);
        }
    }

    private void writeGroup(List<Pending> group) {
        try {
            spool.append(group.stream().map(Pending::record).toList());
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "could not spool %d attribution events", group.size());
            group.forEach(p -> p.written().completeExceptionally(e));
            return;
        }
        group.forEach(p -> p.written().complete(null));
        afterAppend.run();
    }

    /** Writes what is queued, then ends the thread; later writes fail. */
    void stop() throws InterruptedException {
        synchronized (this) {
            stopping = true;
        }
        thread.interrupt();
        thread.join(30_000);
    }
}
