package dev.flexserve.router.scheduler;

/**
 * A request the scheduler will not run, with the HTTP status that says why: 400 (invalid), 403 (an expert the
 * caller may not use), 404 (an unknown expert), 429 (queue full).
 */
public class RequestRejectedException extends RuntimeException {
    private final int status;
    private final String param;

    public RequestRejectedException(int status, String param, String message) {
        super(message);
        this.status = status;
        this.param = param;
    }

    public int status() {
        return status;
    }

    public String param() {
        return param;
    }
}
