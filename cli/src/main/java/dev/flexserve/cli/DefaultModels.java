package dev.flexserve.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models a command serves when none are named: the trained demo models committed to the repository (public
 * model plus code, legal, math and scripture experts, router-tuned; see docs/quality.md).
 */
public final class DefaultModels {
    public static final String PATH = "models/flexolmo-rt";

    private DefaultModels() {
    }

    /** {@link #PATH} under the repository root the {@code flexserve} script runs from. */
    public static Path path() {
        Path p = Path.of(System.getProperty("flexserve.home", ".")).resolve(PATH);
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("no models given and the default " + p + " does not exist; pass --models DIR");
        }
        return p;
    }
}
