package dev.flexserve.expert.health;

import dev.flexserve.expert.testing.DemoPackagesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs the same checks against the packaged application (the native executable under {@code -Dnative}). */
@QuarkusIntegrationTest
@WithTestResource(DemoPackagesResource.class)
class ExpertHealthIT extends ExpertHealthTest {
}
