package dev.flexserve.gateway.errors;

/**
 * A valid token that does not say which organization its caller acts for (no {@code organization} claim, or several
 * without an {@code OpenAI-Organization} header choosing one, or a header naming one the token does not carry).
 */
public class NoOrganizationException extends RuntimeException {
    public NoOrganizationException(String message) {
        super(message);
    }
}
