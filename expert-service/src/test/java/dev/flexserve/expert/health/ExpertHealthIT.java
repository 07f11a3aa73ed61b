package dev.flexserve.expert.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs the same checks against the packaged application (the native executable under {@code -Dnative}). */
@QuarkusIntegrationTest
class ExpertHealthIT extends ExpertHealthTest {
}
