package dev.flexserve.router.scheduler;

/** A request whose include and exclude lists, after the owners' policies, leave no expert to compute it. */
public class NoExpertLeftException extends RuntimeException {
    public NoExpertLeftException() {
        super("no expert is left to serve this request");
    }
}
