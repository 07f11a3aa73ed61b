package dev.flexserve.model.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.model.weights.InMemoryWeights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes weights as a Hugging Face FlexOlmo checkpoint, the way transformers saves one: {@code config.json} and
 * safetensors, optionally sharded with {@code model.safetensors.index.json}, in the per-expert layout or the fused
 * expert layout of transformers 5 ({@code gate_up_proj [E, 2F, D]}, {@code down_proj [E, D, F]}).
 */
public final class HfCheckpointWriter {
    private static final Pattern EXPERT = Pattern.compile("model\\.layers\\.(\\d+)\\.mlp\\.experts\\.(\\d+)\\.(gate|up|down)_proj\\.weight");

    private HfCheckpointWriter() {
    }

    public static Path write(Path dir, FlexOlmoConfig config, InMemoryWeights weights, DType dtype, int shards, boolean fused)
            throws IOException {
        Files.createDirectories(dir);
        ObjectNode json = config.toJson();
        json.putObject("rope_parameters").put("rope_theta", config.ropeTheta()).put("rope_type", "default");
        json.remove("rope_theta");
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), json);

        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : weights.names()) {
            Matcher m = EXPERT.matcher(name);
            if (fused && m.matches()) {
                continue;
            }
            values.put(name, weights.get(name, weights.shape(name)));
            shapes.put(name, weights.shape(name));
        }
        if (fused) {
            addFused(config, weights, values, shapes);
        }
        List<String> names = new ArrayList<>(values.keySet());
        if (shards == 1) {
            SafetensorsWriter w = new SafetensorsWriter();
            names.forEach(n -> w.add(n, dtype, values.get(n), shapes.get(n)));
            w.write(dir.resolve("model.safetensors"));
            return dir;
        }
        ObjectNode index = new ObjectMapper().createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode map = index.putObject("weight_map");
        int perShard = (names.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
            SafetensorsWriter w = new SafetensorsWriter();
            for (String n : names.subList(s * perShard, Math.min(names.size(), (s + 1) * perShard))) {
                w.add(n, dtype, values.get(n), shapes.get(n));
                map.put(n, file);
            }
            w.write(dir.resolve(file));
        }
        new ObjectMapper().writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        return dir;
    }

    private static void addFused(FlexOlmoConfig c, InMemoryWeights w, Map<String, float[]> values, Map<String, long[]> shapes) {
        int d = c.hiddenSize();
        int f = c.intermediateSize();
        int e = c.numExperts();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            float[] gateUp = new float[e * 2 * f * d];
            float[] down = new float[e * d * f];
            for (int x = 0; x < e; x++) {
                String p = "model.layers." + l + ".mlp.experts." + x + ".";
                System.arraycopy(w.get(p + "gate_proj.weight", f, d), 0, gateUp, x * 2 * f * d, f * d);
                System.arraycopy(w.get(p + "up_proj.weight", f, d), 0, gateUp, x * 2 * f * d + f * d, f * d);
                System.arraycopy(w.get(p + "down_proj.weight", d, f), 0, down, x * d * f, d * f);
            }
            String p = "model.layers." + l + ".mlp.experts.";
            values.put(p + "gate_up_proj", gateUp);
            shapes.put(p + "gate_up_proj", new long[]{e, 2L * f, d});
            values.put(p + "down_proj", down);
            shapes.put(p + "down_proj", new long[]{e, d, f});
        }
    }

    /** The weights as a checkpoint in {@code dtype} stores them (bf16/f16 rounding), for the reference to use. */
    public static InMemoryWeights rounded(InMemoryWeights weights, DType dtype, Path scratch) throws IOException {
        Path file = scratch.resolve("rounding.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (String n : weights.names()) {
            w.add(n, dtype, weights.get(n, weights.shape(n)), weights.shape(n));
        }
        w.write(file);
        InMemoryWeights out = new InMemoryWeights();
        try (var f = dev.flexserve.model.safetensors.SafetensorsFile.open(file)) {
            for (String n : weights.names()) {
                out.put(n, f.read(n), weights.shape(n));
            }
        }
        Files.delete(file);
        return out;
    }
}
