package dev.flexserve.router.access;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may use an expert and when, as its owner decides. {@code organizations} lists the organizations granted
 * ({@code "*"}: every caller, also one that names no organization); the owner's own organization is always granted.
 * {@code windows} are half-open time intervals {@code [from, until)} in which the expert may be used; none means always.
 */
public record Policy(@JsonProperty("organizations") Set<String> organizations,
                     @JsonProperty("windows") List<Window> windows) {
    public static final String EVERYONE = "*";

    public record Window(@JsonProperty("from") Instant from, @JsonProperty("until") Instant until) {
        public Window {
            if (from != null && until != null && !from.isBefore(until)) {
                throw new InvalidPolicyException("a policy window must end after it starts: " + from + " .. " + until);
            }
        }

        boolean contains(Instant t) {
            return (from == null || !t.isBefore(from)) && (until == null || t.isBefore(until));
        }
    }

    public Policy {
        if (organizations != null && organizations.stream().anyMatch(o -> o == null || o.isBlank())) {
            throw new InvalidPolicyException("policy organizations must be non-empty names");
        }
        if (windows != null && windows.stream().anyMatch(w -> w == null)) {
            throw new InvalidPolicyException("policy windows must be objects with 'from' and/or 'until'");
        }
        // Sorted, so the API answers the same order every time (Set.copyOf's order changes from one JVM to the next).
        organizations = organizations == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(organizations));
        windows = windows == null ? List.of() : List.copyOf(windows);
    }

    public static Policy everyone() {
        return new Policy(Set.of(EVERYONE), List.of());
    }

    public boolean grants(String organization, String owner, Instant now) {
        boolean who = organizations.contains(EVERYONE)
                || organization != null && (organization.equals(owner) || organizations.contains(organization));
        return who && (windows.isEmpty() || windows.stream().anyMatch(w -> w.contains(now)));
    }
}
