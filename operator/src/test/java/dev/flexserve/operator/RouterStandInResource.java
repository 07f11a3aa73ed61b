package dev.flexserve.operator;

import dev.flexserve.operator.workload.RouterStandIn;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Starts the router stand-in before the operator, points the operator at it, and hands it to the test. */
public class RouterStandInResource implements QuarkusTestResourceLifecycleManager {
    static volatile RouterStandIn router;

    @Override
    public Map<String, String> start() {
        try {
            router = new RouterStandIn();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("flexserve.operator.router-url", router.url().toString(),
                "flexserve.internal.secret", "operator-test-secret",
                "flexserve.operator.pending-recheck", "200ms");
    }

    @Override
    public void stop() {
        if (router != null) {
            router.close();
        }
    }
}
