package dev.flexserve.model.packages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Checks a package's files against its manifest: every listed file is inside, present and has its hash. */
final class PackageVerifier {
    private PackageVerifier() {
    }

    static void verify(Path dir, Manifest m, List<String> required) {
        for (String name : required) {
            if (!m.files().containsKey(name)) {
                throw new PackageException(dir + ": manifest does not list required file " + name);
            }
        }
        for (Map.Entry<String, String> e : m.files().entrySet()) {
            Path file = resolveInside(dir, e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new PackageException(dir + ": file " + e.getKey() + " listed in the manifest is missing");
            }
            String actual;
            try {
                actual = ContentHash.ofFile(file);
            } catch (IOException ex) {
                throw new UncheckedIOException(dir + ": cannot read " + e.getKey(), ex);
            }
            if (!actual.equalsIgnoreCase(e.getValue())) {
                throw new PackageException(dir + ": file " + e.getKey() + " fails its SHA-256 check (manifest "
                        + e.getValue() + ", file " + actual + ")");
            }
        }
        for (String name : m.files().keySet()) {
            if (name.endsWith(".onnx")) {
                GraphInspector.inspect(dir, name, m.files().keySet());
            }
        }
    }

    /** The file a manifest entry names, refusing absolute paths and paths that climb out of the package. */
    static Path resolveInside(Path dir, String name) {
        Path rel = Path.of(name);
        Path norm = rel.normalize();
        if (rel.isAbsolute() || norm.startsWith("..") || name.contains("\\") || norm.toString().isEmpty()) {
            throw new PackageException(dir + ": manifest lists file '" + name + "', which is outside the package");
        }
        return dir.resolve(norm);
    }
}
