package dev.flexserve.router.access;

import java.util.Set;

/**
 * Who is asking, as the gateway established it from a validated token: the organization the caller acts for, its
 * subject and its realm roles. {@link #PLATFORM} is the platform itself (an internal call that carries no end-user
 * identity, e.g. {@code flexserve up} registering the experts it started); only holders of the internal credential
 * reach the router at all.
 */
public record Caller(String organization, String subject, Set<String> roles) {
    public static final String CONSUMER = "consumer";
    public static final String OWNER = "owner";
    public static final String OPERATOR = "operator";
    public static final Caller PLATFORM = new Caller(null, null, Set.of());

    public Caller {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    public boolean isPlatform() {
        return subject == null;
    }

    /**
     * Whether this caller may see and change an expert of {@code owner}: the platform and operators every expert, an
     * owner only those of its own organization.
     */
    public boolean manages(String owner) {
        return isPlatform() || roles.contains(OPERATOR)
                || roles.contains(OWNER) && organization != null && organization.equals(owner);
    }
}
