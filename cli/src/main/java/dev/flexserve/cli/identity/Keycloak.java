package dev.flexserve.cli.identity;

import dev.flexserve.process.ServiceProcess;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A Keycloak for one FlexServe installation: the cached distribution ({@link KeycloakDistribution}) started as its
 * own process on 127.0.0.1, with its database, transaction log and identities in the state directory (so a restart
 * keeps every organization, client and secret), then provisioned ({@link RealmProvisioning}): the FlexServe realm and
 * a machine client per organization and role. The platform operator's organization is {@link #OPERATORS}.
 */
public final class Keycloak implements AutoCloseable {
    /** The organization whose machine client holds the {@code operator} role. */
    public static final String OPERATORS = "flexserve";
    static final Duration STARTUP = Duration.ofMinutes(4);

    private final ServiceProcess process;
    private final Identities identities;
    private final RealmProvisioning admin;

    private Keycloak(ServiceProcess process, Identities identities) {
        this.process = process;
        this.identities = identities;
        this.admin = new RealmProvisioning(process.url(), identities.adminPassword());
    }

    /**
     * Starts Keycloak for {@code stateDir} on {@code port} and provisions the realm, the operators' organization and
     * {@code organizations} (each with a consumer and an owner client).
     */
    public static Keycloak start(Path stateDir, int port, Path cache, Collection<String> organizations)
            throws IOException, InterruptedException {
        Path home = new KeycloakDistribution(cache).home();
        Path data = stateDir.resolve("keycloak").toAbsolutePath();
        String url = "http://127.0.0.1:" + port;
        Identities identities = Identities.openOrCreate(stateDir, url);
        List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + port, "--hostname-strict=false",
                "--db-url=jdbc:h2:file:" + data.resolve("h2/keycloakdb") + ";NON_KEYWORDS=VALUE");
        Map<String, String> env = Map.of(
                // Created on the first start only; the password stays in identity.json for provisioning.
                "KC_BOOTSTRAP_ADMIN_USERNAME", "admin",
                "KC_BOOTSTRAP_ADMIN_PASSWORD", identities.adminPassword(),
                "JAVA_OPTS_APPEND", "-Xms64m -Xmx512m -XX:TieredStopAtLevel=1"
                        + " -Dquarkus.transaction-manager.object-store.directory=" + data.resolve("transaction-logs"));
        ServiceProcess process = new ServiceProcess("keycloak", command, env, port,
                URI.create(url + "/realms/master/.well-known/openid-configuration"),
                stateDir.resolve("logs").resolve("keycloak.log"));
        Keycloak keycloak = new Keycloak(process, identities);
        try {
            process.start();
            process.awaitReady(STARTUP);
            keycloak.admin.ensureRealm();
            keycloak.admin.ensureOrganization(OPERATORS, List.of("operator"), identities);
            for (String org : organizations) {
                keycloak.admin.ensureOrganization(org, List.of("consumer", "owner"), identities);
            }
            return keycloak;
        } catch (IOException | InterruptedException | RuntimeException e) {
            keycloak.close();
            throw e;
        }
    }

    public String url() {
        return process.url();
    }

    /** The issuer of FlexServe tokens (the realm's URL). */
    public String issuer() {
        return identities.issuer();
    }

    public Identities identities() {
        return identities;
    }

    /** The admin API, for provisioning beyond the demo organizations (and for tests that set up attackers). */
    public RealmProvisioning admin() {
        return admin;
    }

    public ServiceProcess process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        process.stop();
    }
}
