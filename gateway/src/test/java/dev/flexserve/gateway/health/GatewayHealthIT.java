package dev.flexserve.gateway.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs the same checks against the packaged application (the native executable under {@code -Dnative}). */
@QuarkusIntegrationTest
class GatewayHealthIT extends GatewayHealthTest {
}
