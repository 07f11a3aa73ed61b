package dev.flexserve.router.registry;

/**
 * A change the expert's current state does not allow: registering an id twice, re-activating a revoked expert
 * (revocation is final), registering the public expert, or an activation that no expert-service replica confirmed.
 */
public class ExpertConflictException extends RuntimeException {
    public ExpertConflictException(String message) {
        super(message);
    }
}
