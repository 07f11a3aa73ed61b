package dev.flexserve.router.provisioning;

/** An upload to a router that runs no provisioner: nothing could serve the expert. */
public class ProvisioningUnavailableException extends RuntimeException {
    public ProvisioningUnavailableException(String message) {
        super(message);
    }
}
