package dev.flexserve.attribution.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs the same checks against the packaged application (the native executable under {@code -Dnative}). */
@QuarkusIntegrationTest
class AttributionHealthIT extends AttributionHealthTest {
}
