package dev.flexserve.model.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.PackageFiles;
import dev.flexserve.model.packages.TrunkPackage;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

import static dev.flexserve.model.onnx.FlexOlmoGraphs.*;

/** The trunk's graphs on ONNX Runtime: embedding, one attention block per layer, and the head. */
public final class TrunkRuntime implements AutoCloseable {
    /** Output of one attention block: the new residual stream and the new keys/values to cache. */
    public record Attention(float[] hidden, float[] newKeys, float[] newValues) {
    }

    private final FlexOlmoConfig config;
    private final OrtSession embedding;
    private final OrtSession[] attention;
    private final OrtSession head;

    public TrunkRuntime(TrunkPackage trunk, int intraOpThreads) {
        this.config = trunk.config();
        this.embedding = OrtSessions.open(trunk.file(PackageFiles.EMBEDDING), intraOpThreads);
        this.head = OrtSessions.open(trunk.file(PackageFiles.HEAD), intraOpThreads);
        this.attention = new OrtSession[config.numHiddenLayers()];
        for (int l = 0; l < attention.length; l++) {
            attention[l] = OrtSessions.open(trunk.file(PackageFiles.attention(l)), intraOpThreads);
        }
    }

    /** {@code tokens [n] -> [n, d]}. Token ids must be inside the vocabulary (checked by the caller). */
    public float[] embed(long[] tokens) {
        OrtEnvironment env = OrtSessions.environment();
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[]{tokens.length});
             OrtSession.Result r = embedding.run(Map.of(TOKENS, ids))) {
            return Tensors.floats(r, HIDDEN);
        } catch (OrtException e) {
            throw new EngineException("embedding failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs attention block {@code layer} for {@code batch} sequences with {@code fresh} new positions each
     * ({@code hidden [batch, fresh, d]}) after a past padded to {@code past} positions. Direct buffers for the pasts are
     * read in place (no copy).
     */
    public Attention attend(int layer, float[] hidden, int batch, int fresh, FloatBuffer pastKeys, FloatBuffer pastValues,
                            int past, long[] pastLengths) {
        OrtEnvironment env = OrtSessions.environment();
        long[] pastShape = {batch, config.numKeyValueHeads(), past, config.headDim()};
        try (OnnxTensor h = OnnxTensor.createTensor(env, FloatBuffer.wrap(hidden), new long[]{batch, fresh, config.hiddenSize()});
             OnnxTensor k = OnnxTensor.createTensor(env, pastKeys, pastShape);
             OnnxTensor v = OnnxTensor.createTensor(env, pastValues, pastShape);
             OnnxTensor len = OnnxTensor.createTensor(env, LongBuffer.wrap(pastLengths), new long[]{batch});
             OrtSession.Result r = attention[layer].run(Map.of(HIDDEN, h, PAST_KEY, k, PAST_VALUE, v, PAST_LENGTH, len))) {
            return new Attention(Tensors.floats(r, HIDDEN_OUT), Tensors.floats(r, NEW_KEY), Tensors.floats(r, NEW_VALUE));
        } catch (OrtException e) {
            throw new EngineException("attention layer " + layer + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code rows [n, d] -> logits [n, vocab]}. */
    public float[] logits(float[] rows, int n) {
        OrtEnvironment env = OrtSessions.environment();
        try (OnnxTensor h = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[]{n, config.hiddenSize()});
             OrtSession.Result r = head.run(Map.of(HIDDEN, h))) {
            return Tensors.floats(r, LOGITS);
        } catch (OrtException e) {
            throw new EngineException("head failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            embedding.close();
            head.close();
            for (OrtSession s : attention) {
                s.close();
            }
        } catch (OrtException e) {
            throw new EngineException("cannot close trunk sessions", e);
        }
    }
}
