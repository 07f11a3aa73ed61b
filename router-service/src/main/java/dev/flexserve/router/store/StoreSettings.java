package dev.flexserve.router.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;

/** The package store (prefix {@code flexserve.router.store}). */
@ConfigMapping(prefix = "flexserve.router.store")
public interface StoreSettings {
    /** Where packages live, one directory per content hash. */
    @WithDefault(".data/packages")
    Path directory();

    /** The most an uploaded package may hold, unpacked. */
    @WithDefault("17179869184")
    long maxBytes();

    /** The most files an uploaded package may hold. */
    @WithDefault("10000")
    int maxFiles();
}
