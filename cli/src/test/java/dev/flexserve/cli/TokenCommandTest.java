package dev.flexserve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code flexserve token} and {@code generate --url} fail with one clear line when there is no platform, the
 * organization is unknown or no token is given. (Tokens from a real Keycloak are handed out in platform-tests.)
 */
class TokenCommandTest {
    @TempDir
    Path tmp;

    @Test
    void withoutAPlatformInTheStateDirectory() {
        Cli.run("token", "--state-dir", tmp.toString(), "--organization", "acme").fails(1, "no FlexServe identities in", "flexserve up");
    }

    @Test
    void anUnknownOrganizationOrRoleAndAStoppedKeycloak() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Files.writeString(tmp.resolve("identity.json"), "{\"url\": \"http://127.0.0.1:" + closed + "\", \"admin_password\": \"x\", "
                + "\"clients\": {\"acme-consumer\": \"s1\", \"acme-owner\": \"s2\", \"globex-consumer\": \"s3\", \"flexserve-operator\": \"s4\"}}");
        Cli.run("token", "--state-dir", tmp.toString(), "--organization", "initech").fails(1, "unknown organization 'initech'", "acme, flexserve, globex");
        Cli.run("token", "--state-dir", tmp.toString(), "--organization", "acme", "--role", "admin").fails(1, "unknown role 'admin'");
        Cli.run("token", "--state-dir", tmp.toString(), "--organization", "globex", "--role", "owner").fails(1, "'globex' has no owner client");
        Cli.run("token", "--state-dir", tmp.toString(), "--organization", "acme").fails(1, "no Keycloak is running at http://127.0.0.1:" + closed);
        Cli.run("token", "--state-dir", tmp.toString()).fails(2, "--organization");
    }

    @Test
    void generateThroughTheGatewayNeedsATokenAndARunningGateway() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Cli.run("generate", "--url", "http://127.0.0.1:" + closed, "--token", "t", "hello").fails(1, "no gateway at http://127.0.0.1:" + closed);
        Cli.run("generate", "--token", "t", "hello").fails(2, "--token and --organization go with --url");
    }
}
