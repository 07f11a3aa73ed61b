package dev.flexserve.ownerkit.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsFile;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.flexserve.model.weights.WeightNames.*;

/**
 * What {@code owner train-expert} leaves for {@code owner package}: {@value #TENSORS} (the expert's FFN under the HF
 * names of expert 1 of the 2-expert anchor model, its router rows {@code router [L, d]} and bias {@code bias [L]})
 * and {@value #META} (the trunk hash it was trained against, the domain embedding and the training options).
 */
public record TrainedExpert(FlexOlmoConfig config, String trunkHash, float[][] ffn, float[] router, float[] bias, JsonNode meta) {
    public static final String TENSORS = "trained-expert.safetensors";
    public static final String META = "trained-expert.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void write(Path dir, TorchFlexOlmo model, String trunkHash, ObjectNode meta) throws IOException {
        FlexOlmoConfig c = model.config();
        var w = model.export();
        int d = c.hiddenSize();
        int f = c.intermediateSize();
        int layers = c.numHiddenLayers();
        SafetensorsWriter out = new SafetensorsWriter();
        float[] router = new float[layers * d];
        float[] bias = new float[layers];
        float[][] b = model.exportBias();
        for (int l = 0; l < layers; l++) {
            out.add(expertGate(l, 1), DType.F32, w.get(expertGate(l, 1), f, d), f, d);
            out.add(expertUp(l, 1), DType.F32, w.get(expertUp(l, 1), f, d), f, d);
            out.add(expertDown(l, 1), DType.F32, w.get(expertDown(l, 1), d, f), d, f);
            System.arraycopy(w.get(dev.flexserve.model.weights.WeightNames.router(l), 2, d), d, router, l * d, d);
            bias[l] = b == null ? 0f : b[l][1];
        }
        out.add("router", DType.F32, router, layers, d).add("bias", DType.F32, bias, layers);
        Files.createDirectories(dir);
        out.write(dir.resolve(TENSORS));
        meta.put("trunk_hash", trunkHash);
        meta.set("config", c.toJson());
        JSON.writeValue(dir.resolve(META).toFile(), meta);
    }

    public static TrainedExpert read(Path dir) {
        if (!Files.isRegularFile(dir.resolve(TENSORS)) || !Files.isRegularFile(dir.resolve(META))) {
            throw new OwnerKitException(dir + ": not a train-expert output (no " + TENSORS + " and " + META + ")");
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(TENSORS))) {
            JsonNode meta = JSON.readTree(dir.resolve(META).toFile());
            FlexOlmoConfig c = FlexOlmoConfig.fromJson(meta.get("config"));
            float[][] ffn = new float[c.numHiddenLayers() * 3][];
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                ffn[3 * l] = f.read(expertGate(l, 1));
                ffn[3 * l + 1] = f.read(expertUp(l, 1));
                ffn[3 * l + 2] = f.read(expertDown(l, 1));
            }
            return new TrainedExpert(c, meta.path("trunk_hash").asText(), ffn, f.read("router"), f.read("bias"), meta);
        } catch (IOException e) {
            throw new OwnerKitException(dir + ": cannot read the trained expert: " + e.getMessage());
        }
    }
}
