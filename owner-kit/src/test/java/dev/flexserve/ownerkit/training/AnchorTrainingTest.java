package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDManager;
import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.weights.InMemoryWeights;
import dev.flexserve.ownerkit.Owner;
import dev.flexserve.ownerkit.TinyModels;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.flexserve.model.weights.WeightNames.router;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anchor training changes exactly the owner's tensors: its FFN copy, its router row and its bias. Every frozen tensor
 * (embeddings, attention, norms, head, public FFN, public router row) is bit-identical after training.
 */
class AnchorTrainingTest {

    @Test
    void noFrozenTensorChanges(@TempDir Path dir) throws Exception {
        ModelSet set = ModelSet.load(TinyModels.publicSet());
        PackageWeights published = new PackageWeights(set.trunk(), List.of(set.experts().get(0)));
        FlexOlmoConfig config = set.trunk().config().withExperts(2, 2);
        float[][] domainRows = new float[config.numHiddenLayers()][config.hiddenSize()];
        for (float[] row : domainRows) {
            row[0] = 1f;
        }
        InMemoryWeights anchor = TrainExpertCommand.anchor(config, published, domainRows);
        TrainingData data = new TrainingData(new dev.flexserve.model.tokenizer.ByteTokenizer()).add("legal", Documents.read(Owner.fixture("legal.jsonl")), 1.0);
        try (NDManager root = Torch.start(1);
             TorchFlexOlmo model = new TorchFlexOlmo(config, anchor, new float[config.numHiddenLayers()][2], root)) {
            List<String> trainable = new ArrayList<>(model.expertFfnNames(1));
            trainable.addAll(model.routerNames());
            trainable.add(TorchFlexOlmo.ROUTER_BIAS);
            model.setTrainable(trainable);
            Trainer trainer = new Trainer("test", model, data,
                    new Trainer.Options(4, 2, 16, 1e-2, 1, 1e-3, 0.01, 1.0, 1e-3, 5, 0, 1), dir, System.err);
            float[] column1 = new float[config.hiddenSize() * 2];
            for (int i = 0; i < config.hiddenSize(); i++) {
                column1[i * 2 + 1] = 1f;
            }
            for (String r : model.routerNames()) {
                trainer.maskGradient(r, column1);
            }
            trainer.run();
            InMemoryWeights after = model.export();
            int d = config.hiddenSize();
            for (String name : anchor.names()) {
                float[] before = anchor.get(name, anchor.shape(name));
                float[] now = after.get(name, anchor.shape(name));
                if (name.contains("mlp.experts.1.")) {
                    assertThat(now).as(name + " is trained").isNotEqualTo(before);
                } else if (name.endsWith("mlp.gate.weight")) {
                    for (int i = 0; i < d; i++) {
                        assertThat(now[i]).as(name + " public row").isEqualTo(before[i]);
                    }
                    assertThat(java.util.Arrays.copyOfRange(now, d, 2 * d)).as(name + " owner row is trained")
                            .isNotEqualTo(java.util.Arrays.copyOfRange(before, d, 2 * d));
                } else {
                    assertThat(now).as(name + " is frozen").isEqualTo(before);
                }
            }
            for (float[] layer : model.exportBias()) {
                assertThat(layer[0]).isZero();
                assertThat(layer[1]).isLessThanOrEqualTo(0f);
            }
            assertThat(router(0)).isEqualTo("model.layers.0.mlp.gate.weight");
        }
    }
}
