package dev.flexserve.router.access;

/**
 * An expert id that is not registered, or that the caller may not see: another organization's expert is answered
 * exactly like one that does not exist, so its existence does not leak.
 */
public class UnknownExpertException extends RuntimeException {
    public UnknownExpertException(String id) {
        super("unknown expert '" + id + "'");
    }
}
