package dev.flexserve.internalauth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InternalCredentialTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void acceptsOnlyTheExactBearerValue() {
        InternalCredential c = new InternalCredential(SECRET);
        assertTrue(c.accepts("Bearer " + SECRET));
        assertEquals("Bearer " + SECRET, c.headerValue());
        assertFalse(c.accepts(null));
        assertFalse(c.accepts(""));
        assertFalse(c.accepts(SECRET));
        assertFalse(c.accepts("Bearer " + SECRET.substring(1)));
        assertFalse(c.accepts("Bearer " + SECRET + "0"));
        assertFalse(c.accepts("bearer " + SECRET));
        assertFalse(c.accepts("Basic " + SECRET));
    }

    @Test
    void refusesMissingOrShortSecrets() {
        assertThrows(IllegalStateException.class, () -> new InternalCredential(null));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new InternalCredential("short"));
        assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
    }

    @Test
    void neverPrintsTheSecret() {
        assertFalse(new InternalCredential(SECRET).toString().contains(SECRET));
    }
}
