package dev.flexserve.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.safetensors.SafetensorsException;
import dev.flexserve.model.safetensors.SafetensorsFile;
import dev.flexserve.model.weights.WeightException;
import dev.flexserve.model.weights.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face FlexOlmo checkpoint directory: {@code config.json} plus {@code model.safetensors} or shards listed
 * in {@code model.safetensors.index.json}, in F32, BF16 or F16. Serves tensors by their per-expert names
 * ({@link dev.flexserve.model.weights.WeightNames}); when a checkpoint uses the fused expert layout of newer
 * transformers versions ({@code mlp.experts.gate_up_proj [experts, 2 * intermediate, hidden]} and
 * {@code mlp.experts.down_proj [experts, hidden, intermediate]}), the per-expert tensors are sliced out of it.
 */
public final class HfCheckpoint implements WeightSource, AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final String TOKENIZER = "tokenizer.json";

    private static final Pattern EXPERT = Pattern.compile("model\\.layers\\.(\\d+)\\.mlp\\.experts\\.(\\d+)\\.(gate|up|down)_proj\\.weight");

    private final Path dir;
    private final FlexOlmoConfig config;
    private final Map<String, SafetensorsFile> tensorFile;
    private final Map<Path, SafetensorsFile> files;

    private HfCheckpoint(Path dir, FlexOlmoConfig config, Map<String, SafetensorsFile> tensorFile, Map<Path, SafetensorsFile> files) {
        this.dir = dir;
        this.config = config;
        this.tensorFile = tensorFile;
        this.files = files;
    }

    public static HfCheckpoint open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new WeightException(dir + ": checkpoint directory not found");
        }
        FlexOlmoConfig config = FlexOlmoConfig.read(dir.resolve(CONFIG));
        Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
        Map<String, SafetensorsFile> tensorFile = new HashMap<>();
        try {
            if (Files.isRegularFile(dir.resolve(INDEX))) {
                for (Map.Entry<String, Path> e : readIndex(dir).entrySet()) {
                    SafetensorsFile f = files.get(e.getValue());
                    if (f == null) {
                        f = openShard(dir, e.getValue());
                        files.put(e.getValue(), f);
                    }
                    if (!f.tensors().containsKey(e.getKey())) {
                        throw new WeightException(dir + ": index maps " + e.getKey() + " to " + e.getValue().getFileName()
                                + ", which does not contain it");
                    }
                    tensorFile.put(e.getKey(), f);
                }
            } else if (Files.isRegularFile(dir.resolve(SINGLE))) {
                SafetensorsFile f = openShard(dir, dir.resolve(SINGLE));
                files.put(f.path(), f);
                f.tensors().keySet().forEach(name -> tensorFile.put(name, f));
            } else {
                throw new WeightException(dir + ": no " + SINGLE + " or " + INDEX);
            }
        } catch (RuntimeException | IOException e) {
            for (SafetensorsFile f : files.values()) {
                f.close();
            }
            throw e;
        }
        return new HfCheckpoint(dir, config, tensorFile, files);
    }

    private static SafetensorsFile openShard(Path dir, Path shard) throws IOException {
        if (!Files.isRegularFile(shard)) {
            throw new WeightException(dir + ": shard " + dir.relativize(shard) + " is missing");
        }
        try {
            return SafetensorsFile.open(shard);
        } catch (SafetensorsException e) {
            throw new WeightException(e.getMessage(), e);
        }
    }

    private static Map<String, Path> readIndex(Path dir) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(dir.resolve(INDEX).toFile());
        } catch (IOException e) {
            throw new WeightException(dir.resolve(INDEX) + ": not valid JSON");
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new WeightException(dir.resolve(INDEX) + ": no weight_map");
        }
        Map<String, Path> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path shard = dir.resolve(e.getValue().asText()).normalize();
            if (!shard.startsWith(dir.normalize()) || Path.of(e.getValue().asText()).isAbsolute()) {
                throw new WeightException(dir.resolve(INDEX) + ": shard '" + e.getValue().asText() + "' is outside the checkpoint");
            }
            out.put(e.getKey(), shard);
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    public FlexOlmoConfig config() {
        return config;
    }

    /** The tokenizer shipped with the checkpoint, or null. */
    public Path tokenizer() {
        Path t = dir.resolve(TOKENIZER);
        return Files.isRegularFile(t) ? t : null;
    }

    @Override
    public float[] get(String name, long... shape) {
        SafetensorsFile f = tensorFile.get(name);
        if (f != null) {
            SafetensorsFile.TensorInfo info = f.tensors().get(name);
            requireShape(info, shape);
            return f.read(info, 0, info.elements());
        }
        Matcher m = EXPERT.matcher(name);
        if (m.matches()) {
            return fusedSlice(name, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3), shape);
        }
        throw new WeightException(dir + ": checkpoint lacks tensor " + name);
    }

    private float[] fusedSlice(String name, int layer, int expert, String part, long[] shape) {
        String prefix = "model.layers." + layer + ".mlp.experts.";
        long d = config.hiddenSize();
        long f = config.intermediateSize();
        long e = config.numExperts();
        boolean down = part.equals("down");
        String fusedName = prefix + (down ? "down_proj" : "gate_up_proj");
        SafetensorsFile file = tensorFile.get(fusedName);
        if (file == null) {
            throw new WeightException(dir + ": checkpoint lacks tensor " + name + " (and the fused " + fusedName + ")");
        }
        SafetensorsFile.TensorInfo info = file.tensors().get(fusedName);
        long[] fusedShape = down ? new long[]{e, d, f} : new long[]{e, 2 * f, d};
        requireShape(info, fusedShape);
        long perExpert = down ? d * f : 2 * f * d;
        long offset = expert * perExpert + (part.equals("up") ? f * d : 0);
        long count = down ? d * f : f * d;
        if (shape.length != 2 || shape[0] * shape[1] != count) {
            throw new WeightException(name + " sliced from " + fusedName + " cannot have shape " + Arrays.toString(shape));
        }
        return file.read(info, offset, count);
    }

    private void requireShape(SafetensorsFile.TensorInfo info, long[] shape) {
        if (!Arrays.equals(info.shape(), shape)) {
            throw new WeightException(dir + ": tensor " + info.name() + " has shape " + Arrays.toString(info.shape())
                    + ", but the config implies " + Arrays.toString(shape));
        }
    }

    @Override
    public void close() throws IOException {
        for (SafetensorsFile f : files.values()) {
            f.close();
        }
    }
}
