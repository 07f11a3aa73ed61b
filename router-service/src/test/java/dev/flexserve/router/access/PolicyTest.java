package dev.flexserve.router.access;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTest {
    static final Instant NOON = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void grantsNamedOrganizationsAndTheOwner() {
        Policy p = new Policy(Set.of("acme"), List.of());
        assertTrue(p.grants("acme", "hospital", NOON));
        assertTrue(p.grants("hospital", "hospital", NOON), "the owner may always use its own expert");
        assertFalse(p.grants("globex", "hospital", NOON));
        assertFalse(p.grants(null, "hospital", NOON), "a caller without organization gets only what everyone gets");
    }

    @Test
    void organizationsComeBackInOneOrderWhateverTheOrderGiven() {
        List<String> given = List.of("umbrella", "acme", "globex", "initech");
        Policy p = new Policy(new java.util.LinkedHashSet<>(given), List.of());
        assertEquals(List.of("acme", "globex", "initech", "umbrella"), List.copyOf(p.organizations()));
        assertThrows(UnsupportedOperationException.class, () -> p.organizations().add("mallory"));
    }

    @Test
    void everyoneIncludesCallersWithoutOrganization() {
        assertTrue(Policy.everyone().grants(null, "hospital", NOON));
        assertTrue(Policy.everyone().grants("globex", "hospital", NOON));
    }

    @Test
    void windowsAreHalfOpen() {
        Policy p = new Policy(Set.of("*"), List.of(new Policy.Window(NOON, NOON.plusSeconds(3600))));
        assertTrue(p.grants("acme", "hospital", NOON));
        assertTrue(p.grants("acme", "hospital", NOON.plusSeconds(3599)));
        assertFalse(p.grants("acme", "hospital", NOON.plusSeconds(3600)));
        assertFalse(p.grants("acme", "hospital", NOON.minusSeconds(1)));
        assertFalse(p.grants("hospital", "hospital", NOON.minusSeconds(1)), "windows bind the owner too");
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThrows(InvalidPolicyException.class, () -> new Policy.Window(NOON, NOON));
        assertThrows(InvalidPolicyException.class, () -> new Policy(Set.of(" "), List.of()));
    }
}
