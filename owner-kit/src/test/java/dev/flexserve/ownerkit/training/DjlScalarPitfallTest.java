package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.weights.RandomWeights;
import dev.flexserve.ownerkit.Owner;
import dev.flexserve.ownerkit.corpus.Documents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test for the DJL pitfall of STACK.md: an operation with a Java scalar creates a temporary native tensor
 * that the garbage collector can free between forward and backward (random NaN gradients). A forced GC between
 * forward and backward reproduced it every time; with every constant an NDArray of the step's manager, training with
 * that GC gives finite losses identical to training without it.
 */
class DjlScalarPitfallTest {

    @Test
    void gcBetweenForwardAndBackwardChangesNothing(@TempDir Path dir) throws Exception {
        // A mixture with top-2 of 3 and biases, so the gate's constants are exercised too.
        FlexOlmoConfig config = new FlexOlmoConfig(257, 16, 32, 2, 2, 1, 8, 3, 2, 1e-6, 10000.0, 64, 256);
        TrainingData data = new TrainingData(new dev.flexserve.model.tokenizer.ByteTokenizer()).add("code", Documents.read(Owner.fixture("code.jsonl")), 1.0);
        Trainer.Options o = new Trainer.Options(4, 2, 16, 1e-2, 1, 1e-3, 0.01, 1.0, 1e-3, 11, 0, 100);
        double[] with = run(config, data, o, dir.resolve("gc"), true);
        double[] without = run(config, data, o, dir.resolve("nogc"), false);
        for (double loss : with) {
            assertThat(loss).isFinite();
        }
        assertThat(with).containsExactly(without);
    }

    private static double[] run(FlexOlmoConfig config, TrainingData data, Trainer.Options o, Path work, boolean gc) {
        float[][] bias = new float[config.numHiddenLayers()][3];
        try (NDManager root = Torch.start(1);
             TorchFlexOlmo model = new TorchFlexOlmo(config, RandomWeights.generate(config, 4), bias, root)) {
            model.setTrainable(model.allNames());
            Trainer t = new Trainer("test", model, data, o, work, System.err).gcBetweenForwardAndBackward(gc);
            double[] losses = new double[o.steps()];
            for (int s = 1; s <= o.steps(); s++) {
                losses[s - 1] = t.step(s);
            }
            return losses;
        }
    }
}
