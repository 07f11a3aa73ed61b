package dev.flexserve.router.provisioning;

/** An Expert resource could not be written; the deployment is recorded as failed with this reason. */
public class ExpertResourceException extends RuntimeException {
    public ExpertResourceException(String message) {
        super(message);
    }
}
