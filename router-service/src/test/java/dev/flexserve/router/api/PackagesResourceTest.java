package dev.flexserve.router.api;

import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.packages.ContentHash;
import dev.flexserve.model.packages.Manifest;
import dev.flexserve.model.packages.PackageArchive;
import dev.flexserve.router.DemoModelsResource;
import dev.flexserve.router.StoredPackage;
import dev.flexserve.router.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.flexserve.router.Internal.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The store serves a stored package, whole and byte for byte the package it stored, to the platform only: a caller
 * the gateway forwards (an owner, even the package's own) and a request without the credential are refused, an unknown
 * hash is 404.
 */
@QuarkusTest
@QuarkusTestResource(DemoModelsResource.class)
@QuarkusTestResource(TestDatabase.class)
class PackagesResourceTest {
    StoredPackage stored;
    String hash;

    @BeforeEach
    void store() throws IOException {
        stored = StoredPackage.of("expert-1");
        hash = stored.hash();
    }

    @AfterEach
    void unstore() throws IOException {
        stored.close();
    }

    @Test
    void thePlatformFetchesTheStoredPackageWhole() throws IOException {
        byte[] archive = given().get("/internal/v1/packages/" + hash).then().statusCode(200)
                .contentType("application/zip").extract().asByteArray();
        Path unpacked = Files.createTempDirectory("fetched");
        try {
            Files.delete(unpacked);
            Files.createDirectories(unpacked);
            PackageArchive.extract(new ByteArrayInputStream(archive), unpacked, new PackageArchive.Limits(1L << 30, 64));
            assertThat(ContentHash.ofPackage(Manifest.read(unpacked).files())).isEqualTo(hash);
            try (Stream<Path> files = Files.walk(stored.dir())) {
                for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    assertThat(unpacked.resolve(stored.dir().relativize(p).toString())).as(p.toString()).hasSameBinaryContentAs(p);
                }
            }
        } finally {
            AtomicDirectory.deleteTree(unpacked);
        }
    }

    @Test
    void callersOtherThanThePlatformAreRefused() {
        given().header(CallerHeaders.SUBJECT, "someone").header(CallerHeaders.ORGANIZATION, "demo-org-1")
                .header(CallerHeaders.ROLES, "owner,operator")
                .get("/internal/v1/packages/" + hash).then().statusCode(403)
                .body("error.message", containsString("platform's own services only"));
        RestAssured.given().get("/internal/v1/packages/" + hash).then().statusCode(401);
    }

    @Test
    void anUnknownOrMalformedHashIsRefused() {
        given().get("/internal/v1/packages/" + "0".repeat(64)).then().statusCode(404)
                .body("error.message", containsString("no package " + "0".repeat(64) + " is stored"));
        given().get("/internal/v1/packages/..%2F..%2Fetc").then().statusCode(400);
    }
}
