package dev.flexserve.ownerkit.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts DJL's PyTorch engine offline (libtorch comes from the {@code pytorch-native-cpu} jar on the class path and
 * is unpacked once into {@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}) with a fixed number of CPU threads.
 */
public final class Torch {
    private static boolean started;

    private Torch() {
    }

    /** Starts the engine (once per JVM) and sets the intra-op threads; returns a new base manager. */
    public static synchronized NDManager start(int threads) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // The engine must exist before its thread settings can be changed.
        Engine engine = Engine.getEngine("PyTorch");
        if (!started) {
            try {
                JniUtils.setNumInteropThreads(1);
            } catch (RuntimeException ignored) {
                // Inter-op threads can be set only before the first parallel work of the process.
            }
            started = true;
        }
        JniUtils.setNumThreads(Math.max(1, threads));
        return engine.newBaseManager();
    }

    /** The default thread count: the machine's cores. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
