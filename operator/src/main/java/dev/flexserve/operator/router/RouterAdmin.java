package dev.flexserve.operator.router;

/**
 * The router's admin API as the operator uses it. Every call is idempotent on the router's side, so a reconcile that
 * is repeated (after a restart, or because its status was not written) may repeat them.
 */
public interface RouterAdmin {
    /** The workload of uploaded expert {@code id} is ready at {@code endpoint} ({@code host:port}): route to it. */
    void ready(String id, String endpoint);

    /** Stop routing to expert {@code id} for now. Returns once the router has taken it out of routing. */
    void deactivate(String id);

    /**
     * Revoke expert {@code id}. Returns only when the router no longer routes to it (or never knew it / had already
     * revoked it); throws {@link RouterCallFailedException} otherwise, and then nothing may be torn down.
     */
    void revoke(String id);
}
