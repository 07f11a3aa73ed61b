package dev.flexserve.router;

import dev.flexserve.model.demo.DemoModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes the deterministic demo packages once per test JVM and points the router at them. */
public class DemoModelsResource implements QuarkusTestResourceLifecycleManager {
    private static Path models;

    public static synchronized Path models() {
        if (models == null) {
            try {
                models = Files.createTempDirectory("flexserve-router-test").resolve("models");
                DemoModels.write(models);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return models;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("flexserve.router.models", models().toString());
    }

    @Override
    public void stop() {
    }
}
