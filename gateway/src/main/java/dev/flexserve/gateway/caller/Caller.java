package dev.flexserve.gateway.caller;

import java.util.Set;

/**
 * Who is calling, from a validated Keycloak access token: the organization the caller acts for (its
 * {@code organization} claim), its subject ({@code sub}) and its realm roles.
 */
public record Caller(String organization, String subject, Set<String> roles) {
    public static final String CONSUMER = "consumer";
    public static final String OWNER = "owner";
    public static final String OPERATOR = "operator";

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean isOperator() {
        return roles.contains(OPERATOR);
    }
}
