package dev.flexserve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flexserve users} prints the console's demo users that {@code flexserve up} keeps in the state directory.
 * (That they sign in at the real Keycloak is shown by platform-tests' ConsoleTest.)
 */
class UsersCommandTest {
    @TempDir
    Path tmp;

    @Test
    void printsEveryUserWithOrganizationRoleAndPassword() throws IOException {
        Files.writeString(tmp.resolve("identity.json"), "{\"url\": \"http://127.0.0.1:1\", \"admin_password\": \"x\", "
                + "\"clients\": {\"acme-consumer\": \"s1\"}, \"users\": {"
                + "\"acme-consumer\": {\"organization\": \"acme\", \"role\": \"consumer\", \"password\": \"pw-one\"}, "
                + "\"demo-code-owner-owner\": {\"organization\": \"demo-code-owner\", \"role\": \"owner\", \"password\": \"pw-two\"}}}");
        List<String> lines = Cli.run("users", "--state-dir", tmp.toString()).ok().out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).split("\\s+")).containsExactly("username", "organization", "role", "password");
        assertThat(lines.get(1).split("\\s+")).containsExactly("acme-consumer", "acme", "consumer", "pw-one");
        assertThat(lines.get(2).split("\\s+")).containsExactly("demo-code-owner-owner", "demo-code-owner", "owner", "pw-two");
    }

    @Test
    void withoutAPlatformOrWithoutUsersItSaysSoInOneLine() throws IOException {
        Cli.run("users", "--state-dir", tmp.toString()).fails(1, "no FlexServe identities in", "flexserve up");
        // A state directory from before the console: identities, but no users.
        Files.writeString(tmp.resolve("identity.json"), "{\"url\": \"http://127.0.0.1:1\", \"admin_password\": \"x\", \"clients\": {}}");
        Cli.run("users", "--state-dir", tmp.toString()).fails(1, "no console users in");
    }
}
