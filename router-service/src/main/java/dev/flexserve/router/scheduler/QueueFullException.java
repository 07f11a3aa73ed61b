package dev.flexserve.router.scheduler;

/** The router has as many requests waiting as it may queue; the caller should retry later. */
public class QueueFullException extends RuntimeException {
    public QueueFullException(int maxQueue) {
        super("the router is at capacity (" + maxQueue + " requests queued); retry later");
    }
}
