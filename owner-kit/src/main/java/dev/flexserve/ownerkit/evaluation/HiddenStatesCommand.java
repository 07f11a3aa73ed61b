package dev.flexserve.ownerkit.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.corpus.Documents;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import dev.flexserve.ownerkit.training.Torch;
import dev.flexserve.ownerkit.training.TorchFlexOlmo;
import dev.flexserve.ownerkit.training.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "hidden-states", mixinStandardHelpOptions = true,
        description = "Experiment: dump the public model's router inputs (per layer) over windows of each text, as safetensors.")
public final class HiddenStatesCommand implements Callable<Integer> {
    @Option(names = "--models", required = true)
    Path models;
    @Option(names = "--text", required = true)
    Map<String, Path> text;
    @Option(names = "--windows", defaultValue = "64")
    int windows;
    @Option(names = "--length", defaultValue = "128")
    int length;
    @Option(names = "--seed", defaultValue = "7")
    long seed;
    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelSet set = ModelSet.load(models);
        PackageWeights w = new PackageWeights(set.trunk(), List.of(set.experts().get(0)));
        SafetensorsWriter sw = new SafetensorsWriter();
        try (Tokenizer tok = set.trunk().openTokenizer(); NDManager root = Torch.start(1);
             TorchFlexOlmo model = new TorchFlexOlmo(w.config(), w, null, root)) {
            int d = w.config().hiddenSize();
            for (Map.Entry<String, Path> e : text.entrySet()) {
                TrainingData data = new TrainingData(tok).add(e.getKey(), Documents.read(e.getValue()), 1.0);
                long[] win = data.batch(seed, 1, windows, length);
                long[] in = new long[windows * length];
                long[] tg = new long[windows * length];
                for (int r = 0; r < windows; r++) {
                    System.arraycopy(win, r * (length + 1), in, r * length, length);
                    System.arraycopy(win, r * (length + 1) + 1, tg, r * length, length);
                }
                List<float[]> layers = new ArrayList<>();
                float[] logp = null;
                for (int b = 0; b < windows; b += 16) {
                    int n = Math.min(16, windows - b);
                    long[] part = java.util.Arrays.copyOfRange(in, b * length, (b + n) * length);
                    try (NDManager s = root.newSubManager()) {
                        List<NDArray> hs = new ArrayList<>();
                        model.forward(s, part, n, length, null, hs);
                        for (int l = 0; l < hs.size(); l++) {
                            if (layers.size() <= l) {
                                layers.add(new float[windows * length * d]);
                            }
                            System.arraycopy(hs.get(l).toFloatArray(), 0, layers.get(l), b * length * d, n * length * d);
                        }
                    }
                }
                for (int l = 0; l < layers.size(); l++) {
                    sw.add(e.getKey() + "/" + l, DType.F32, layers.get(l), windows * length, d);
                }
                float[] ids = new float[in.length];
                for (int i = 0; i < in.length; i++) {
                    ids[i] = in[i];
                }
                sw.add(e.getKey() + "/tokens", DType.F32, ids, windows * length);
                System.err.println("hidden-states: " + e.getKey() + " " + data.sources().get(0).tokens().length + " tokens");
            }
        }
        sw.write(out);
        return 0;
    }
}
