package dev.flexserve.platform;

import dev.flexserve.cli.identity.Keycloak;
import dev.flexserve.cli.identity.KeycloakDistribution;
import dev.flexserve.cli.up.Platform;
import dev.flexserve.model.demo.DemoModels;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole platform as {@code flexserve up} runs it — a real Keycloak, the gateway, the router-service and one
 * expert-service per demo expert, each its own process — started once for every test class that uses this extension
 * and stopped after the last. Organizations: the demo experts' owners ({@code demo-org-1} … {@code -4}), the consumers
 * {@code acme} and {@code globex}, {@code initech} with a quota of {@link #INITECH_REQUESTS_PER_MINUTE} requests per
 * minute, {@code umbrella} with a quota no load test reaches (and the owner of the expert {@code ExpertLifecycleTest} contributes), and the operators' {@code flexserve}.
 */
public final class GatewayPlatform implements BeforeAllCallback {
    static final int INITECH_REQUESTS_PER_MINUTE = 2;
    private static Running running;

    /** The running platform, its Keycloak and the demo models it serves. */
    public record Running(Keycloak keycloak, Platform platform, Path models) implements ExtensionContext.Store.CloseableResource {
        public String gateway() {
            return platform.gateway().url();
        }

        public String router() {
            return platform.router().url();
        }

        /** An access token of {@code organization}'s machine client for {@code role}. */
        public String token(String organization, String role) {
            try {
                return keycloak.identities().token(organization, role);
            } catch (Exception e) {
                throw new IllegalStateException("no token for " + organization + " as " + role, e);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                platform.close();
            } finally {
                keycloak.close();
            }
        }
    }

    public static synchronized Running running() {
        if (running == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(GatewayPlatform.class)");
        }
        return running;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        if (running != null) {
            return;
        }
        Path target = Files.createDirectories(Path.of("target"));
        Path state = Files.createTempDirectory(target, "gateway-platform-");
        Path models = state.resolve("models");
        DemoModels.write(models);
        List<String> organizations = new ArrayList<>();
        for (ExpertPackage e : ModelSet.load(models).experts()) {
            if (!e.id().equals(ExpertPackage.PUBLIC_ID)) {
                organizations.add(e.manifest().owner());
            }
        }
        organizations.addAll(List.of("acme", "globex", "initech", "umbrella"));
        Keycloak keycloak = Keycloak.start(state, Platform.port(0), KeycloakDistribution.defaultCache(), organizations);
        Platform platform;
        try {
            Path home = Path.of(System.getProperty("flexserve.home", ".."));
            platform = Platform.start(new Platform.Settings(home, models, state, Platform.Ports.any(),
                    List.of("-Xmx512m", "-XX:+UseSerialGC"), List.of("-Xmx256m", "-XX:+UseSerialGC"),
                    List.of("-Xmx384m", "-XX:+UseSerialGC", "-Dflexserve.gateway.body-limit=64K",
                            "-Dflexserve.gateway.quota.organizations.initech.requests-per-minute=" + INITECH_REQUESTS_PER_MINUTE,
                            "-Dflexserve.gateway.quota.organizations.umbrella.requests-per-minute=100000",
                            "-Dflexserve.gateway.quota.organizations.umbrella.tokens-per-minute=100000000")), keycloak);
        } catch (Exception e) {
            keycloak.close();
            throw e;
        }
        running = new Running(keycloak, platform, models);
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(GatewayPlatform.class, running);
    }
}
