package dev.flexserve.model.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.flexserve.model.onnx.FlexOlmoGraphs;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.PackageFiles;

import java.nio.FloatBuffer;
import java.util.Map;

/** An expert's FFN graphs, one ONNX Runtime session per layer, run in this process. */
public final class OnnxExpertFfn implements ExpertFfn {
    private final String id;
    private final int width;
    private final OrtSession[] layers;

    public OnnxExpertFfn(ExpertPackage expert, int hiddenSize, int intraOpThreads) {
        this(expert, hiddenSize, intraOpThreads, OrtProvider.CPU);
    }

    public OnnxExpertFfn(ExpertPackage expert, int hiddenSize, int intraOpThreads, OrtProvider provider) {
        this.id = expert.id();
        this.width = hiddenSize;
        int count = expert.manifest().dims().numHiddenLayers();
        this.layers = new OrtSession[count];
        try {
            for (int l = 0; l < count; l++) {
                layers[l] = OrtSessions.open(expert.file(PackageFiles.ffn(l)), intraOpThreads, provider);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public float[] forward(int layer, float[] rows, int count) {
        if (layer < 0 || layer >= layers.length) {
            throw new EngineException("expert " + id + " has no layer " + layer);
        }
        if (rows.length != count * width) {
            throw new EngineException("expert " + id + ": " + rows.length + " values are not " + count + " rows of " + width);
        }
        try (OnnxTensor in = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(rows), new long[]{count, width});
             OrtSession.Result out = layers[layer].run(Map.of(FlexOlmoGraphs.HIDDEN, in))) {
            return Tensors.floats(out, FlexOlmoGraphs.HIDDEN_OUT);
        } catch (OrtException e) {
            throw new EngineException("expert " + id + " layer " + layer + " failed: " + e.getMessage(), e);
        }
    }

    /** Closes every session that was opened, even when closing one of them fails. */
    @Override
    public void close() {
        OrtException failure = null;
        for (OrtSession s : layers) {
            if (s == null) {
                continue;
            }
            try {
                s.close();
            } catch (OrtException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new EngineException("cannot close expert " + id, failure);
        }
    }
}
