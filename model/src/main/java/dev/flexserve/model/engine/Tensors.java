package dev.flexserve.model.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;

/** Reads named float outputs of an ONNX Runtime result into Java arrays. */
final class Tensors {
    private Tensors() {
    }

    static float[] floats(OrtSession.Result result, String name) {
        OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow(() -> new EngineException("graph has no output " + name));
        FloatBuffer buf = t.getFloatBuffer();
        float[] out = new float[buf.remaining()];
        buf.get(out);
        return out;
    }
}
