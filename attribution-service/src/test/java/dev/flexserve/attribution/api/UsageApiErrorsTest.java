package dev.flexserve.attribution.api;

import dev.flexserve.attribution.testing.KafkaAndPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.flexserve.attribution.testing.Internal.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Invalid report queries answer 400 in the OpenAI error envelope, naming the parameter; callers need the credential. */
@QuarkusTest
@QuarkusTestResource(KafkaAndPostgres.class)
class UsageApiErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "group_by=model                         | group_by     | unknown group_by 'model'",
            "group_by=                              | group_by     | 'group_by' is empty",
            "group_by=expert,expert                 | group_by     | names 'expert' twice",
            "group_by=hour,day                      | group_by     | hour or day, not both",
            "group_by=none,expert                   | group_by     | unknown group_by 'none'",
            "from=yesterday                         | from         | 'from' must be an ISO-8601 time",
            "until=2031-03-01T10:00:00              | until        | 'until' must be an ISO-8601 time",
            "from=2031-03-02&until=2031-03-01       | until        | must be after 'from'",
            "from=2031-03-02&until=2031-03-02       | until        | must be after 'from'",
            "expert=a&expert=b                      | expert       | give 'expert' once",
            "organisation=acme                      | organisation | unknown parameter 'organisation'",
            "requestId=gen-1                        | requestId    | unknown parameter 'requestId'"})
    void invalidQueriesAre400WithTheirParameter(String query, String param, String message) {
        given().urlEncodingEnabled(false).get("/internal/v1/usage?" + query).then().statusCode(400)
                .contentType("application/json")
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.message", containsString(message))
                .body("error.code", nullValue());
    }

    @Test
    void withoutThePlatformsCredentialTheReportIs401() {
        RestAssured.given().get("/internal/v1/usage").then().statusCode(401)
                .body("error.type", equalTo("authentication_error"))
                .body("error.code", equalTo("internal_credential_required"));
        RestAssured.given().header("Authorization", "Bearer not-the-secret-not-the-secret-not-the-secret")
                .get("/internal/v1/usage?group_by=expert").then().statusCode(401);
    }

    @Test
    void anUnservedMediaTypeIs406InTheEnvelope() {
        given().accept("application/xml").get("/internal/v1/usage").then().statusCode(406)
                .contentType("application/json")
                .body("error.message", containsString("application/json or text/csv"));
    }

    @Test
    void anUnknownPathIs404InTheEnvelope() {
        given().get("/internal/v1/usages").then().statusCode(404).body("error.type", equalTo("not_found_error"));
    }
}
