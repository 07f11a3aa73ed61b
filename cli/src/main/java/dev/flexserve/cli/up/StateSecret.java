package dev.flexserve.cli.up;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A secret of the installation, kept in a file of the state directory readable by its owner only and generated on
 * first start (32 random bytes, hex): {@link #INTERNAL}, with which the gateway, the router, the expert-services and
 * the attribution-service accept each other's calls, and {@link #DATABASE}, the platform's PostgreSQL password. The
 * services get them in their environment.
 */
final class StateSecret {
    static final String INTERNAL = "internal-secret";
    static final String DATABASE = "database-password";

    private StateSecret() {
    }

    static String of(Path stateDir, String name) throws IOException {
        Path file = stateDir.resolve(name);
        if (!Files.exists(file)) {
            Files.createDirectories(stateDir);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            Path tmp = Files.createTempFile(stateDir, "." + name, ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, HexFormat.of().formatHex(random), StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first: use theirs.
                Files.delete(tmp);
            }
        }
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
}
