package dev.flexserve.router.registry;

/** Lifecycle of a registered expert. Revocation is final; deactivation can be undone by activation. */
public enum ExpertStatus {
    ACTIVE, INACTIVE, REVOKED
}
