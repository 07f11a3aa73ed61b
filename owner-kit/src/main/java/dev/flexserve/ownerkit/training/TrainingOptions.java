package dev.flexserve.ownerkit.training;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every training command shares (picocli mixin). */
public final class TrainingOptions {
    @Option(names = "--steps", description = "Optimisation steps (default: ${DEFAULT-VALUE}).", defaultValue = "600")
    public int steps;

    @Option(names = "--batch", description = "Sequences per step (default: ${DEFAULT-VALUE}).", defaultValue = "32")
    public int batch;

    @Option(names = "--length", description = "Tokens (bytes) per sequence (default: ${DEFAULT-VALUE}).", defaultValue = "128")
    public int length;

    @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "4e-3")
    public double learningRate;

    @Option(names = "--warmup", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).", defaultValue = "50")
    public int warmup;

    @Option(names = "--seed", description = "Seed of initialisation and batches (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    public long seed;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch CPU threads (default: ${DEFAULT-VALUE}; on the shared 2-core machines 2 were no faster).")
    public int threads;

    @Option(names = "--work", description = "Checkpoint directory; a run resumes from it (default: <out>.work).")
    public Path work;

    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    public int checkpointEvery;

    @Option(names = "--log-every", description = "Steps between progress lines (default: ${DEFAULT-VALUE}).", defaultValue = "25")
    public int logEvery;

    public Trainer.Options options(double zLoss, double weightDecay) {
        if (steps < 1 || batch < 1 || length < 2 || !(learningRate > 0)) {
            throw new IllegalArgumentException("--steps, --batch must be positive, --length at least 2, --lr positive");
        }
        return new Trainer.Options(steps, batch, length, learningRate, Math.min(warmup, steps), learningRate * 0.1,
                weightDecay, 1.0, zLoss, seed, checkpointEvery, Math.max(1, logEvery));
    }

    public int threads() {
        return Math.max(1, threads);
    }

    public Path work(Path out) {
        return work != null ? work : out.resolveSibling(out.getFileName() + ".work");
    }
}
