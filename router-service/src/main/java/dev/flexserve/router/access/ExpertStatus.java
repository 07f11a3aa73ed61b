package dev.flexserve.router.access;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Lifecycle of a registered expert. Revocation is final; deactivation can be undone by activation. Written in
 * lower case in JSON ({@code "active"}), as OpenAI writes its enumerations.
 */
public enum ExpertStatus {
    ACTIVE, INACTIVE, REVOKED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ExpertStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
