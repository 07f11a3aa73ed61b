package dev.flexserve.cli;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.packages.ModelSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How the in-process engine runs: experts per token and ONNX Runtime threads. */
public final class EngineOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--experts-per-token", paramLabel = "K",
            description = "Experts selected per token and layer (top-k of the gate). Default: the model config's num_experts_per_tok.")
    Integer expertsPerToken;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime threads per graph call (default: ${DEFAULT-VALUE}).")
    int threads;

    public void checkArguments() {
        if (expertsPerToken != null && expertsPerToken < 1) {
            throw new ParameterException(mixee.commandLine(), "--experts-per-token must be at least 1, got " + expertsPerToken);
        }
        if (threads < 1) {
            throw new ParameterException(mixee.commandLine(), "--threads must be at least 1, got " + threads);
        }
    }

    /** Opens every expert of {@code models} in this process; the caller closes the engine. */
    public Engine open(ModelSet models) {
        checkArguments();
        return Engine.inProcess(models, expertsPerToken == null ? 0 : expertsPerToken, threads);
    }
}
