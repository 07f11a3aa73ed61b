package dev.flexserve.cli.identity;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code flexserve token --organization ORG [--role ROLE]}: one line, a bearer access token of a demo organization's
 * machine client, from the Keycloak that {@code flexserve up} started for the same state directory.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print an access token (one line) of an organization of the running platform, from its Keycloak.")
public final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", defaultValue = ".flexserve", description = "The state directory of 'flexserve up'. Default: ${DEFAULT-VALUE}")
    Path stateDir;

    @Option(names = "--organization", required = true, paramLabel = "ORG", description = "The organization the token acts for.")
    String organization;

    @Option(names = "--role", defaultValue = "consumer", paramLabel = "ROLE",
            description = "consumer (call the model), owner (manage the organization's experts) or operator (the platform's own "
                    + "organization, '" + Keycloak.OPERATORS + "'). Default: ${DEFAULT-VALUE}")
    String role;

    @Override
    public Integer call() throws Exception {
        String token = Identities.read(stateDir).token(organization, role);
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
