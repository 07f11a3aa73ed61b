package dev.flexserve.bench;

import dev.flexserve.model.engine.Engine;
import dev.flexserve.model.engine.Sequence;
import dev.flexserve.model.packages.ModelSet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Per-token decode cost against context length, in process: a batch of sequences is prefilled (in chunks) to each
 * context length, then decoded step by step; the cost of a step divided by the batch is the per-token cost. Run on
 * the demo models, whose context is 2048. Beside it, the attention graphs alone (ONNX Runtime, every layer, the same
 * batch, past and padding a decode step gives them): what attention itself costs as the context grows.
 *
 * <pre>java -cp bench/target/flexserve-bench.jar dev.flexserve.bench.ContextBenchmark [--shape demo] [--batch 8] [--steps 64]</pre>
 */
public final class ContextBenchmark {
    private static final int[] CONTEXTS = {128, 512, 2048};
    private static final int CHUNK = 128;

    public static void main(String[] args) throws Exception {
        String shape = StreamBenchmark.arg(args, "--shape", "demo");
        int batch = Integer.parseInt(StreamBenchmark.arg(args, "--batch", "8"));
        int steps = Integer.parseInt(StreamBenchmark.arg(args, "--steps", "64"));
        Path models = Files.createTempDirectory("flexserve-context").resolve("models");
        BenchModels.write(shape, models);
        ModelSet set = ModelSet.load(models);
        List<double[]> rows = new ArrayList<>();
        try (Engine engine = Engine.inProcess(set, 0, 1)) {
            for (int context : CONTEXTS) {
                measure(engine, batch, context, steps);
            }
            for (int context : CONTEXTS) {
                rows.add(measure(engine, batch, context, steps));
            }
        }
        System.out.printf(Locale.ROOT, "%n## Decode cost against context, %s, %d cores, %s models, batch %d, %d decode steps per context%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), shape, batch, steps);
        System.out.println("| context | per-token decode µs (p50 step / batch) | step p50 ms | step p90 ms | vs 128 | attention graphs alone, per token µs |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < CONTEXTS.length; i++) {
            double[] r = rows.get(i);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.3f | %.3f | %.2f× | %.1f |%n", CONTEXTS[i], 1000 * r[0] / batch, r[0], r[1],
                    r[0] / rows.get(0)[0], 1000 * r[2] / batch);
        }
    }

    /** p50 milliseconds of one decode step's attention graphs (all layers) on inputs of a step's shape, nothing else. */
    private static double attentionAlone(Engine engine, int batch, int context, int steps) {
        var c = engine.config();
        int stride = context + context / 4;
        int floats = batch * c.numKeyValueHeads() * stride * c.headDim();
        // A past per layer, as a step reads them (one shared pair would stay in the caches and flatter the graphs).
        FloatBuffer[] keys = new FloatBuffer[c.numHiddenLayers()];
        FloatBuffer[] values = new FloatBuffer[c.numHiddenLayers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            values[l] = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        float[] hidden = new float[batch * c.hiddenSize()];
        Arrays.fill(hidden, 0.1f);
        long[] lengths = new long[batch];
        Arrays.fill(lengths, context - 1);
        long[] times = new long[steps];
        for (int step = -8; step < steps; step++) {
            long start = System.nanoTime();
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                engine.trunkRuntime().attend(l, hidden, batch, 1, keys[l], values[l], stride, lengths);
            }
            if (step >= 0) {
                times[step] = System.nanoTime() - start;
            }
        }
        Arrays.sort(times);
        return times[steps / 2] / 1e6;
    }

    /** Prefills {@code batch} sequences to {@code context - steps} positions, then times {@code steps} decode steps. */
    private static double[] measure(Engine engine, int batch, int context, int steps) {
        SplittableRandom rnd = new SplittableRandom(context);
        int prefill = context - steps;
        List<Sequence> seqs = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Sequence s = engine.newSequence(null, prefill);
            for (int done = 0; done < prefill; done += CHUNK) {
                int[] chunk = new int[Math.min(CHUNK, prefill - done)];
                Arrays.setAll(chunk, j -> 32 + rnd.nextInt(95));
                engine.forward(List.of(s), List.of(chunk), false);
            }
            seqs.add(s);
        }
        long[] times = new long[steps];
        for (int step = 0; step < steps; step++) {
            List<int[]> next = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                next.add(new int[]{32 + rnd.nextInt(95)});
            }
            long start = System.nanoTime();
            engine.forward(seqs, next, false);
            times[step] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return new double[]{times[steps / 2] / 1e6, times[(int) (steps * 0.9)] / 1e6, attentionAlone(engine, batch, context, steps)};
    }
}
