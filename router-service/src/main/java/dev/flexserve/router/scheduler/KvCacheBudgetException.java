package dev.flexserve.router.scheduler;

/** A request whose prompt plus max_tokens would need more KV cache than this router may ever reserve. */
public class KvCacheBudgetException extends RuntimeException {
    public KvCacheBudgetException(long needed, long budget) {
        super("prompt plus max_tokens needs " + needed + " bytes of KV cache, more than this router's budget of " + budget);
    }
}
