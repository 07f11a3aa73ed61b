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
 * The installation's internal secret ({@code internal-secret} in the state directory, readable by its owner only),
 * generated on first start: the gateway, the router and the expert-services accept internal calls only with it.
 * It reaches the services as {@link #VARIABLE} in their environment.
 */
final class InternalSecret {
    static final String VARIABLE = "FLEXSERVE_INTERNAL_SECRET";
    static final String FILE = "internal-secret";

    private InternalSecret() {
    }

    static String of(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            Files.createDirectories(stateDir);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            try {
                Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                        HexFormat.of().formatHex(random), StandardCharsets.US_ASCII);
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first: use theirs.
            }
        }
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
}
