package dev.flexserve.router.attribution;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;

/**
 * Sends the spool to Kafka, oldest segment first and in order within each, and deletes a segment only when Kafka has
 * acknowledged every one of its records. Runs at startup (an earlier run's spool) and whenever records are spooled.
 * Sends go out in windows that start at one record, so a Kafka that is still down costs one send per attempt, and
 * double up to {@link #MAX_WINDOW} while it acknowledges. A failed window ends the attempt; the next one, after
 * {@code retryInterval}, starts again from the oldest segment (records sent twice are duplicates the consumer
 * drops by event id).
 */
final class SpoolReplayer {
    private static final Logger LOG = Logger.getLogger(SpoolReplayer.class);
    static final int MAX_WINDOW = 256;

    private final Spool spool;
    private final KafkaSender kafka;
    private final Duration retryInterval;
    private final LongConsumer replayed;
    private final Thread thread;
    private final Object signal = new Object();
    private boolean woken = true;
    private volatile boolean stopping;

    SpoolReplayer(Spool spool, KafkaSender kafka, Duration retryInterval, LongConsumer replayed) {
        this.spool = spool;
        this.kafka = kafka;
        this.retryInterval = retryInterval;
        this.replayed = replayed;
        this.thread = new Thread(this::run, "attribution-spool-replayer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** There are new records in the spool. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (!stopping) {
            try {
                synchronized (signal) {
                    while (!woken && !stopping) {
                        signal.wait();
                    }
                    woken = false;
                }
                while (!stopping && spool.records() > 0 && !replayOnce()) {
                    Thread.sleep(retryInterval.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Replays until the spool is empty (true) or Kafka refuses a record (false). */
    private boolean replayOnce() throws InterruptedException {
        try {
            int window = 1;
            for (List<Spool.Segment> segments = spool.replayable(); !segments.isEmpty() && !stopping;
                 segments = spool.replayable()) {
                window = replay(segments, window);
            }
            return true;
        } catch (ExecutionException e) {
            LOG.warnf("Kafka did not take the spooled attribution events yet (%s); retrying in %s",
                    e.getCause().toString(), retryInterval);
            return false;
        } catch (IOException e) {
            LOG.errorf(e, "could not read the attribution spool; retrying in %s", retryInterval);
            return false;
        }
    }

    /** Sends the segments' records in windows and removes each segment once all its records are acknowledged. */
    private int replay(List<Spool.Segment> segments, int window) throws IOException, ExecutionException, InterruptedException {
        for (Spool.Segment segment : segments) {
            List<SpoolRecord> records = spool.read(segment);
            for (int from = 0; from < records.size(); ) {
                int to = Math.min(records.size(), from + window);
                List<CompletableFuture<Void>> acks = new ArrayList<>(to - from);
                for (SpoolRecord r : records.subList(from, to)) {
                    acks.add(kafka.send(r));
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
                from = to;
                window = Math.min(MAX_WINDOW, window * 2);
            }
            spool.remove(segment);
            replayed.accept(records.size());
            LOG.infof("replayed %d spooled attribution events to Kafka (%d still spooled)", records.size(), spool.records());
        }
        return window;
    }

    void stop() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
