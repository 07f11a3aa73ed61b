package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.ownerkit.Owner;
import dev.flexserve.ownerkit.OwnerKitException;
import dev.flexserve.ownerkit.corpus.Documents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run stopped after a checkpoint and started again ends with exactly the weights of an uninterrupted run. */
class ResumeTest {
    static final FlexOlmoConfig CONFIG = Architecture.config(new dev.flexserve.model.tokenizer.ByteTokenizer(), 16, 1, 2, 1, 32, 64, 1, 1);

    @Test
    void resumedTrainingEqualsUninterruptedTraining(@TempDir Path dir) throws Exception {
        TrainingData data = new TrainingData(new dev.flexserve.model.tokenizer.ByteTokenizer()).add("public", Documents.read(Owner.fixture("public.jsonl")), 1.0);
        Trainer.Options six = new Trainer.Options(6, 2, 16, 1e-2, 2, 1e-3, 0.01, 1.0, 0, 3, 3, 1);
        Trainer.Options three = new Trainer.Options(6, 2, 16, 1e-2, 2, 1e-3, 0.01, 1.0, 0, 3, 3, 1);
        try (NDManager root = Torch.start(1)) {
            float[] straight = train(root, data, six, dir.resolve("straight"), 6);
            // Interrupted: the first process stops after step 3 (its checkpoint), the second resumes.
            train(root, data, three, dir.resolve("resumed"), 3);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            float[] resumed = train(root, data, six, dir.resolve("resumed"), 6, new PrintStream(log));
            assertThat(log.toString()).contains("resuming from the checkpoint at step 3 of 6");
            assertThat(resumed).isEqualTo(straight);

            Trainer.Options other = new Trainer.Options(6, 4, 16, 1e-2, 2, 1e-3, 0.01, 1.0, 0, 3, 3, 1);
            assertThatThrownBy(() -> train(root, data, other, dir.resolve("resumed"), 6))
                    .isInstanceOf(OwnerKitException.class).hasMessageContaining("checkpoint of a different run");
        }
        try (var list = Files.list(dir.resolve("straight"))) {
            assertThat(list.map(p -> p.getFileName().toString())).as("only the newest checkpoint is kept").containsExactly("checkpoint-00000006");
        }
        assertThat(dir.resolve("straight/checkpoint-00000006/" + Checkpoints.TENSORS)).isRegularFile();
        assertThat(dir.resolve("straight/checkpoint-00000006/" + Checkpoints.META)).isRegularFile();
    }

    /**
     * A process killed while writing a checkpoint leaves only AtomicDirectory's hidden partial directory: the run resumes
     * from the previous complete checkpoint (tensors and step together) and still ends as an uninterrupted run.
     */
    @Test
    void aCheckpointCutShortIsNeverResumedFrom(@TempDir Path dir) throws Exception {
        TrainingData data = new TrainingData(new dev.flexserve.model.tokenizer.ByteTokenizer()).add("public", Documents.read(Owner.fixture("public.jsonl")), 1.0);
        Trainer.Options o = new Trainer.Options(6, 2, 16, 1e-2, 2, 1e-3, 0.01, 1.0, 0, 3, 3, 1);
        try (NDManager root = Torch.start(1)) {
            float[] straight = train(root, data, o, dir.resolve("straight"), 6);
            train(root, data, o, dir.resolve("killed"), 3);
            // What a kill during the step-6 checkpoint leaves: the new step's files, half written, under a hidden name.
            Path partial = Files.createDirectory(dir.resolve("killed/.checkpoint-00000006.partial-1"));
            Files.writeString(partial.resolve(Checkpoints.META), "{\"step\": 6}");
            Files.write(partial.resolve(Checkpoints.TENSORS), new byte[]{1, 2, 3});
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            float[] resumed = train(root, data, o, dir.resolve("killed"), 6, new PrintStream(log));
            assertThat(log.toString()).contains("resuming from the checkpoint at step 3 of 6");
            assertThat(resumed).isEqualTo(straight);
            assertThat(partial).as("the next complete checkpoint removes what the killed writer left").doesNotExist();
        }
    }

    static float[] train(NDManager root, TrainingData data, Trainer.Options o, Path work, int stopAfter) throws Exception {
        return train(root, data, o, work, stopAfter, System.err);
    }

    static float[] train(NDManager root, TrainingData data, Trainer.Options o, Path work, int stopAfter, PrintStream log) throws Exception {
        InMemoryWeights init = Architecture.initial(CONFIG, 9, new float[16]);
        try (TorchFlexOlmo model = new TorchFlexOlmo(CONFIG, init, null, root)) {
            model.setTrainable(model.allNames().stream().filter(n -> !n.endsWith("mlp.gate.weight")).toList());
            new Trainer("test", model, data, o, work, log).stopAfter(stopAfter).run();
            return model.export().get("model.layers.0.mlp.experts.0.up_proj.weight", 32, 16);
        }
    }
}
