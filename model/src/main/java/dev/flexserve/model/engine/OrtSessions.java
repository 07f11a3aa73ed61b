package dev.flexserve.model.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;

/**
 * Opens ONNX Runtime sessions for package graphs. Sessions are created from the file path (not bytes) so that
 * external data next to a graph resolves; the package was verified before any graph is opened.
 */
public final class OrtSessions {
    private OrtSessions() {
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * @param intraOpThreads ONNX Runtime's threads per call; 1 suits the small per-layer graphs of the demo models
     *                       (one call costs a few microseconds of fixed overhead that threading only adds to)
     */
    public static OrtSession open(Path graph, int intraOpThreads) {
        return open(graph, intraOpThreads, OrtProvider.CPU);
    }

    /**
     * @param provider {@link OrtProvider#CPU}, or {@link OrtProvider#CUDA} (device 0 of those CUDA_VISIBLE_DEVICES
     *                 shows), which needs the onnxruntime_gpu build and CUDA libraries
     */
    public static OrtSession open(Path graph, int intraOpThreads, OrtProvider provider) {
        // The environment must exist before a CUDA provider is added to session options.
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            switch (provider) {
                case CPU -> {
                }
                case CUDA -> options.addCUDA(0);
                default -> throw new EngineException("execution provider " + provider + " is not supported");
            }
            return env.createSession(graph.toString(), options);
        } catch (OrtException e) {
            throw new EngineException("cannot load ONNX graph " + graph + " on " + provider + ": " + e.getMessage(), e);
        }
    }
}
