package dev.flexserve.ownerkit.packaging;

import ai.onnx.proto.OnnxMl;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageFiles;
import dev.flexserve.model.packages.TrunkPackage;
import dev.flexserve.model.weights.WeightException;
import dev.flexserve.model.weights.WeightSource;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.flexserve.model.weights.WeightNames.*;

/**
 * The weights of verified packages as a {@link WeightSource} in Hugging Face layout: reads the float initializers
 * of the trunk's and experts' ONNX graphs (stored transposed by {@code FlexOlmoGraphs}) and transposes them back.
 * Expert {@code e} of the source is {@code experts.get(e)}; expert 0 must be the public one. This is how an owner
 * trains against the published public model: the packages are the only thing it receives.
 */
public final class PackageWeights implements WeightSource {
    private final TrunkPackage trunk;
    private final List<ExpertPackage> experts;
    private final FlexOlmoConfig config;
    private final Map<String, Map<String, float[]>> graphCache = new HashMap<>();

    public PackageWeights(TrunkPackage trunk, List<ExpertPackage> experts) {
        if (experts.isEmpty() || !experts.get(0).id().equals(ExpertPackage.PUBLIC_ID)) {
            throw new IllegalArgumentException("expert 0 must be the public expert");
        }
        this.trunk = trunk;
        this.experts = List.copyOf(experts);
        this.config = trunk.config().withExperts(experts.size(), Math.min(trunk.config().numExpertsPerTok(), experts.size()));
    }

    /** The trunk's config with this source's expert count. */
    public FlexOlmoConfig config() {
        return config;
    }

    @Override
    public float[] get(String name, long... shape) {
        float[] v = resolve(name);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (v.length != n) {
            throw new WeightException(name + " has " + v.length + " values, expected shape " + Arrays.toString(shape));
        }
        return v;
    }

    private float[] resolve(String name) {
        int d = config.hiddenSize();
        int f = config.intermediateSize();
        int v = config.vocabSize();
        if (name.equals(EMBED)) {
            return init(trunk.dir(), PackageFiles.EMBEDDING, "embed_tokens");
        }
        if (name.equals(FINAL_NORM)) {
            return init(trunk.dir(), PackageFiles.HEAD, "norm");
        }
        if (name.equals(LM_HEAD)) {
            return transpose(init(trunk.dir(), PackageFiles.HEAD, "lm_head"), d, v);
        }
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            String att = PackageFiles.attention(l);
            if (name.equals(qProj(l))) {
                return transpose(init(trunk.dir(), att, "q_proj"), d, config.queryWidth());
            }
            if (name.equals(kProj(l))) {
                return transpose(init(trunk.dir(), att, "k_proj"), d, config.keyValueWidth());
            }
            if (name.equals(vProj(l))) {
                return transpose(init(trunk.dir(), att, "v_proj"), d, config.keyValueWidth());
            }
            if (name.equals(oProj(l))) {
                return transpose(init(trunk.dir(), att, "o_proj"), config.queryWidth(), d);
            }
            if (name.equals(qNorm(l))) {
                return init(trunk.dir(), att, "q_norm");
            }
            if (name.equals(kNorm(l))) {
                return init(trunk.dir(), att, "k_norm");
            }
            if (name.equals(postAttentionNorm(l))) {
                return init(trunk.dir(), att, "post_attention_layernorm");
            }
            if (name.equals(postFeedforwardNorm(l))) {
                return trunk.postFeedforwardNorm()[l].clone();
            }
            if (name.equals(router(l))) {
                float[] rows = new float[experts.size() * d];
                for (int e = 0; e < experts.size(); e++) {
                    System.arraycopy(experts.get(e).router()[l], 0, rows, e * d, d);
                }
                return rows;
            }
            for (int e = 0; e < experts.size(); e++) {
                Path dir = experts.get(e).dir();
                String ffn = PackageFiles.ffn(l);
                int fe = experts.get(e).intermediateSize();
                if (fe != f) {
                    throw new OwnerKitException(dir + ": intermediate size " + fe + " differs from the trunk's " + f);
                }
                if (name.equals(expertGate(l, e))) {
                    return transpose(init(dir, ffn, "gate_proj"), d, f);
                }
                if (name.equals(expertUp(l, e))) {
                    return transpose(init(dir, ffn, "up_proj"), d, f);
                }
                if (name.equals(expertDown(l, e))) {
                    return transpose(init(dir, ffn, "down_proj"), f, d);
                }
            }
        }
        throw new WeightException("missing tensor " + name);
    }

    /** {@code [L][E]} router biases (0 for experts without one). */
    public float[][] bias() {
        float[][] b = new float[config.numHiddenLayers()][experts.size()];
        for (int e = 0; e < experts.size(); e++) {
            float[] eb = experts.get(e).bias();
            for (int l = 0; l < b.length; l++) {
                b[l][e] = eb == null ? 0f : eb[l];
            }
        }
        return b;
    }

    private float[] init(Path packageDir, String graph, String initializer) {
        Map<String, float[]> inits = graphCache.computeIfAbsent(packageDir.resolve(graph).toString(), k -> readGraph(packageDir, graph));
        float[] v = inits.get(initializer);
        if (v == null) {
            throw new WeightException(packageDir.resolve(graph) + " has no initializer " + initializer);
        }
        return v.clone();
    }

    private static Map<String, float[]> readGraph(Path packageDir, String graph) {
        Path file = packageDir.resolve(graph);
        Map<String, float[]> out = new HashMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(in);
            for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
                if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                    continue;
                }
                long n = 1;
                for (long dim : t.getDimsList()) {
                    n *= dim;
                }
                float[] values = new float[Math.toIntExact(n)];
                if (t.getFloatDataCount() > 0) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = t.getFloatData(i);
                    }
                } else if (!t.getRawData().isEmpty()) {
                    t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                } else if (t.getExternalDataCount() > 0) {
                    readExternal(file, t, values);
                }
                out.put(t.getName(), values);
            }
        } catch (IOException e) {
            throw new OwnerKitException(file + ": cannot read graph: " + e.getMessage());
        }
        return out;
    }

    private static void readExternal(Path graphFile, OnnxMl.TensorProto t, float[] values) throws IOException {
        String location = null;
        long offset = 0;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                default -> {
                }
            }
        }
        if (location == null) {
            throw new OwnerKitException(graphFile + ": external tensor " + t.getName() + " has no location");
        }
        // The package was verified: every external location is a hashed file inside it.
        try (RandomAccessFile raf = new RandomAccessFile(graphFile.resolveSibling(location).toFile(), "r")) {
            byte[] bytes = new byte[values.length * 4];
            raf.seek(offset);
            raf.readFully(bytes);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        }
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
