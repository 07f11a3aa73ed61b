package dev.flexserve.gateway.quota;

/** An organization over its requests or tokens per minute; {@code retryAfterSeconds} says when it has room again. */
public class QuotaExceededException extends RuntimeException {
    private final long retryAfterSeconds;

    QuotaExceededException(String organization, String limit, long perMinute, long retryAfterSeconds) {
        super("organization '" + organization + "' is over its quota of " + perMinute + " " + limit
                + " per minute; retry after " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
