package dev.flexserve.router.fanout;

/** A remote expert call that failed (unreachable, deadline exceeded, refused); the engine drops the expert. */
public class ExpertCallException extends RuntimeException {
    public ExpertCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
