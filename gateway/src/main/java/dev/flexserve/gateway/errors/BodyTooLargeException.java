package dev.flexserve.gateway.errors;

/** A request body over the gateway's limit ({@code quarkus.http.limits.max-body-size}). */
public class BodyTooLargeException extends RuntimeException {
    public BodyTooLargeException(long length, long limit) {
        super("the request body has " + length + " bytes; the limit is " + limit);
    }
}
