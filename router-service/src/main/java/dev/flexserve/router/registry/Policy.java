package dev.flexserve.router.registry;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Who may use an expert and when, as its owner decides. {@code organisations} lists the organisations granted
 * ({@code "*"}: every caller, also one that names no organisation); the owner's own organisation is always granted. {@code windows} are
 * half-open time intervals {@code [from, until)} in which the expert may be used; none means always.
 */
public record Policy(@JsonProperty("organisations") Set<String> organisations,
                     @JsonProperty("windows") List<Window> windows) {
    public static final String EVERYONE = "*";

    public record Window(@JsonProperty("from") Instant from, @JsonProperty("until") Instant until) {
        public Window {
            if (from != null && until != null && !from.isBefore(until)) {
                throw new IllegalArgumentException("a policy window must end after it starts: " + from + " .. " + until);
            }
        }

        boolean contains(Instant t) {
            return (from == null || !t.isBefore(from)) && (until == null || t.isBefore(until));
        }
    }

    public Policy {
        organisations = organisations == null ? Set.of() : Set.copyOf(organisations);
        windows = windows == null ? List.of() : List.copyOf(windows);
        for (String o : organisations) {
            if (o == null || o.isBlank()) {
                throw new IllegalArgumentException("policy organisations must be non-empty names");
            }
        }
    }

    public static Policy everyone() {
        return new Policy(Set.of(EVERYONE), List.of());
    }

    public boolean grants(String organisation, String owner, Instant now) {
        boolean who = organisations.contains(EVERYONE)
                || organisation != null && (organisation.equals(owner) || organisations.contains(organisation));
        return who && (windows.isEmpty() || windows.stream().anyMatch(w -> w.contains(now)));
    }
}
