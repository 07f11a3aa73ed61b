package dev.flexserve.attribution.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests as the gateway sends them: with the internal credential of the test profile. */
public final class Internal {
    /** {@code %test.flexserve.internal.secret} in application.properties. */
    public static final String SECRET = "attribution-test-internal-secret-0123456789";

    private Internal() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().header("Authorization", "Bearer " + SECRET);
    }
}
