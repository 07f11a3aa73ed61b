package dev.flexserve.expert.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.flexserve.model.engine.OnnxExpertFfn;
import dev.flexserve.model.packages.ExpertPackage;

import java.util.EnumSet;

/** {@link FfnLoader}s backed by the model library's {@link OnnxExpertFfn}, one per execution provider. */
public final class OnnxFfnLoader {
    private OnnxFfnLoader() {
    }

    /**
     * The loader for {@code provider}. Fails at once (so at startup) when the provider cannot be used by this build:
     * asking for CUDA with the CPU-only ONNX Runtime of the default build names the fix instead of silently running
     * on the CPU.
     */
    public static FfnLoader forProvider(ExecutionProvider provider) {
        return switch (provider) {
            case CPU -> (expert, threads) -> new OnnxExpertFfn(expert, hiddenSize(expert), threads);
            case CUDA -> {
                requireProvider(OrtProvider.CUDA, availableProviders());
                yield (expert, threads) -> new OnnxExpertFfn(expert, hiddenSize(expert), threads, OrtProvider.CUDA);
            }
        };
    }

    /** Throws with a message that names what is available and how to get {@code wanted}. */
    static void requireProvider(OrtProvider wanted, EnumSet<OrtProvider> available) {
        if (!available.contains(wanted)) {
            throw new IllegalStateException("execution-provider " + wanted.name().toLowerCase() + " is not available in this "
                    + "ONNX Runtime build (available: " + available + "); build the expert-service with -Pgpu "
                    + "(onnxruntime_gpu) and run it where CUDA and cuDNN are installed, or use execution-provider=cpu");
        }
    }

    static EnumSet<OrtProvider> availableProviders() {
        return OrtEnvironment.getAvailableProviders();
    }

    private static int hiddenSize(ExpertPackage expert) {
        return expert.manifest().dims().hiddenSize();
    }
}
