package dev.flexserve.cli.identity;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code flexserve users}: the console's demo users of the platform {@code flexserve up} runs for a state directory,
 * one per organization and role, with the passwords generated on its first start, so a person can sign in.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Print the web console's demo users (username, organization, role, password) of the platform's state directory.")
public final class UsersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", defaultValue = ".flexserve", description = "The state directory of 'flexserve up'. Default: ${DEFAULT-VALUE}")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        Map<String, Identities.User> users = Identities.read(stateDir).users();
        if (users.isEmpty()) {
            throw new IllegalArgumentException("no console users in " + stateDir + " (they are created when ./flexserve up starts Keycloak)");
        }
        int name = "username".length();
        int org = "organization".length();
        for (Map.Entry<String, Identities.User> u : users.entrySet()) {
            name = Math.max(name, u.getKey().length());
            org = Math.max(org, u.getValue().organization().length());
        }
        String row = "%-" + name + "s  %-" + org + "s  %-8s  %s%n";
        PrintWriter out = spec.commandLine().getOut();
        out.printf(row, "username", "organization", "role", "password");
        new java.util.TreeMap<>(users).forEach((username, u) -> out.printf(row, username, u.organization(), u.role(), u.password()));
        out.flush();
        return 0;
    }
}
