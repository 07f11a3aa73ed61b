package dev.flexserve.gateway.caller;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Keycloak writes the organization claim as a list of names, or as an object keyed by name (with ids). */
class CallerResolverTest {

    @Test
    void bothShapesOfTheClaimGiveTheNames() {
        assertThat(CallerResolver.organizations(Json.createArrayBuilder().add("acme").add("globex").build())).containsExactly("acme", "globex");
        assertThat(CallerResolver.organizations(Json.createObjectBuilder().add("acme", Json.createObjectBuilder().add("id", "1")).build()))
                .containsExactly("acme");
        assertThat(CallerResolver.organizations(null)).isEmpty();
        assertThat(CallerResolver.organizations(Json.createArrayBuilder().add("").build())).isEmpty();
    }
}
