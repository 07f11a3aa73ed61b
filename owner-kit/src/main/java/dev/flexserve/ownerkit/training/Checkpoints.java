package dev.flexserve.ownerkit.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.packages.AtomicDirectory;
import dev.flexserve.model.safetensors.SafetensorsFile;
import dev.flexserve.model.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of one training run in its work directory. A checkpoint is one directory,
 * {@code checkpoint-<step>/} holding the tensors ({@value #TENSORS}) and the step with the run's identity
 * ({@value #META}), written all or nothing with the model library's {@link AtomicDirectory}: a process killed at any
 * moment leaves either the new checkpoint complete or none of it, never tensors of one step under the step count of
 * another. After a new checkpoint is complete the older ones are removed; the newest complete one is resumed from.
 */
final class Checkpoints {
    static final String TENSORS = "state.safetensors";
    static final String META = "checkpoint.json";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final Pattern PARTIAL = Pattern.compile("\\.checkpoint-\\d+\\.partial-.*");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Checkpoint(int step, JsonNode meta, Path dir) {
        SafetensorsFile openTensors() throws IOException {
            return SafetensorsFile.open(dir.resolve(TENSORS));
        }
    }

    private final Path workDir;

    Checkpoints(Path workDir) {
        this.workDir = workDir;
    }

    /** Writes the checkpoint of {@code step} ({@code meta} gains the step), then removes every older one. */
    void write(int step, ObjectNode meta, SafetensorsWriter tensors) throws IOException {
        Path dir = workDir.resolve(String.format("checkpoint-%08d", step));
        AtomicDirectory.write(dir, tmp -> {
            tensors.write(tmp.resolve(TENSORS));
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(META).toFile(), meta.deepCopy().put("step", step));
            return null;
        });
        for (Path old : complete()) {
            if (!old.equals(dir)) {
                AtomicDirectory.deleteTree(old);
            }
        }
        // What a killed writer left (only one process trains in a work directory, so none is in progress).
        try (Stream<Path> list = Files.list(workDir)) {
            for (Path p : list.filter(p -> PARTIAL.matcher(p.getFileName().toString()).matches()).toList()) {
                AtomicDirectory.deleteTree(p);
            }
        }
    }

    /** The newest complete checkpoint, if any. */
    Optional<Checkpoint> latest() throws IOException {
        List<Path> dirs = complete();
        if (dirs.isEmpty()) {
            return Optional.empty();
        }
        Path dir = dirs.get(dirs.size() - 1);
        JsonNode meta = JSON.readTree(dir.resolve(META).toFile());
        return Optional.of(new Checkpoint(step(dir), meta, dir));
    }

    /** Complete checkpoint directories, oldest first (partial ones are hidden names AtomicDirectory never renamed). */
    private List<Path> complete() throws IOException {
        if (!Files.isDirectory(workDir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(workDir)) {
            return list.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .sorted(Comparator.comparingInt(Checkpoints::step)).toList();
        }
    }

    private static int step(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(dir + " is not a checkpoint directory");
        }
        return Integer.parseInt(m.group(1));
    }
}
