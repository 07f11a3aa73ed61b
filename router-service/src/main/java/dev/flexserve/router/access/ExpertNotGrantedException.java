package dev.flexserve.router.access;

/** A request that names an expert its owner's policy (or status) does not grant to the caller's organization now. */
public class ExpertNotGrantedException extends RuntimeException {
    public ExpertNotGrantedException(String expert, String organization) {
        super("expert '" + expert + "' is not available to organization '" + organization + "'");
    }
}
