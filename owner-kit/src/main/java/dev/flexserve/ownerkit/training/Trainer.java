package dev.flexserve.ownerkit.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexserve.model.safetensors.DType;
import dev.flexserve.model.safetensors.SafetensorsFile;
import dev.flexserve.model.safetensors.SafetensorsWriter;
import dev.flexserve.ownerkit.OwnerKitException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop: next-byte cross-entropy (plus the router z-loss for mixtures), AdamW with linear warm-up and
 * cosine decay, global-norm gradient clipping, the non-positive clamp on router biases, progress lines (step, loss,
 * bits per byte, tokens/s, ETA) and resumable checkpoints (parameters, optimiser state and step as one atomic unit: {@link Checkpoints}).
 * Only the model's trainable parameters receive gradients or updates.
 */
public final class Trainer {

    /** Hyper-parameters; part of the checkpoint, which refuses to resume under different ones. */
    public record Options(int steps, int batch, int length, double learningRate, int warmup, double minLearningRate,
                          double weightDecay, double clip, double zLoss, long seed, int checkpointEvery, int logEvery) {
        public ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("steps", steps).put("batch", batch).put("length", length).put("learning_rate", learningRate)
                    .put("warmup", warmup).put("min_learning_rate", minLearningRate).put("weight_decay", weightDecay)
                    .put("clip", clip).put("z_loss", zLoss).put("seed", seed);
            return n;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double LN2 = Math.log(2);
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.95;
    private static final double ADAM_EPS = 1e-8;

    private final TorchFlexOlmo model;
    private final TrainingData data;
    private final Options o;
    private final Path workDir;
    private final PrintStream log;
    private final Checkpoints checkpoints;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final String label;
    private final Map<String, NDArray> gradientMasks = new LinkedHashMap<>();
    private final Map<String, Double> learningRateScales = new LinkedHashMap<>();
    /** Test hook: force a GC between forward and backward (the DJL scalar pitfall's trigger). */
    private boolean gcBetweenForwardAndBackward;
    private double lastLoss = Double.NaN;
    private int stopAfter = Integer.MAX_VALUE;
    private long forwardNanos;
    private long backwardNanos;
    private long updateNanos;

    public Trainer(String label, TorchFlexOlmo model, TrainingData data, Options options, Path workDir, PrintStream log) {
        this.label = label;
        this.model = model;
        this.data = data;
        this.o = options;
        this.workDir = workDir;
        this.log = log;
        this.checkpoints = new Checkpoints(workDir);
        for (String name : model.trainable()) {
            NDArray p = model.param(name);
            m.put(name, p.zerosLike());
            v.put(name, p.zerosLike());
        }
    }

    /**
     * Multiplies the gradient of {@code name} by {@code mask} (compute layout) before every update, so the masked-out
     * entries never change: the public expert's column of a router that also holds trainable rows.
     */
    public Trainer maskGradient(String name, float[] mask) {
        NDArray p = model.param(name);
        gradientMasks.put(name, model.manager().create(mask, p.getShape()));
        return this;
    }

    /** Multiplies the learning rate of {@code name} by {@code scale} (routers learn faster than FFNs here). */
    public Trainer learningRateScale(String name, double scale) {
        model.param(name);
        learningRateScales.put(name, scale);
        return this;
    }

    /** Test hook: stop after {@code step} as a killed process would (after that step's checkpoint, if any). */
    public Trainer stopAfter(int step) {
        this.stopAfter = step;
        return this;
    }

    public Trainer gcBetweenForwardAndBackward(boolean on) {
        this.gcBetweenForwardAndBackward = on;
        return this;
    }

    public double lastLoss() {
        return lastLoss;
    }

    /** Trains from the checkpoint in the work directory (if any) to {@code steps}; returns the steps run now. */
    public int run() throws IOException {
        Files.createDirectories(workDir);
        int start = resume();
        if (start > 0) {
            log.printf("%s: resuming from the checkpoint at step %d of %d%n", label, start, o.steps());
        }
        long tokensPerStep = (long) o.batch() * o.length();
        long begin = System.nanoTime();
        double lossSum = 0;
        int lossCount = 0;
        for (int step = start + 1; step <= o.steps(); step++) {
            double loss = step(step);
            lastLoss = loss;
            lossSum += loss;
            lossCount++;
            boolean last = step == o.steps();
            if (step % o.logEvery() == 0 || last) {
                double seconds = (System.nanoTime() - begin) / 1e9;
                int done = step - start;
                double tokPerSec = done * tokensPerStep / seconds;
                double eta = (o.steps() - step) * (seconds / done);
                double mean = lossSum / lossCount;
                log.printf("%s: step %d/%d  loss %.4f  bits/token %.3f  lr %.2e  %.0f tok/s  ETA %s  (ms/step fwd %.0f bwd %.0f upd %.0f)%n",
                        label, step, o.steps(), mean, mean / LN2, learningRate(step), tokPerSec, duration(eta),
                        forwardNanos / 1e6 / done, backwardNanos / 1e6 / done, updateNanos / 1e6 / done);
                lossSum = 0;
                lossCount = 0;
            }
            if ((o.checkpointEvery() > 0 && step % o.checkpointEvery() == 0) || last) {
                checkpoint(step);
            }
            if (step >= stopAfter) {
                return step - start;
            }
        }
        return o.steps() - start;
    }

    /** One optimisation step; returns the cross-entropy in nats per token. */
    double step(int step) {
        try (NDManager s = model.manager().newSubManager()) {
            long[] windows = data.batch(o.seed(), step, o.batch(), o.length());
            long[] inputs = new long[o.batch() * o.length()];
            long[] targets = new long[o.batch() * o.length()];
            for (int r = 0; r < o.batch(); r++) {
                System.arraycopy(windows, r * (o.length() + 1), inputs, r * o.length(), o.length());
                System.arraycopy(windows, r * (o.length() + 1) + 1, targets, r * o.length(), o.length());
            }
            double ce;
            long t0 = System.nanoTime();
            long t1;
            try (GradientCollector collector = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
                List<NDArray> routerLogits = model.config().numExperts() > 1 && o.zLoss() > 0 ? new ArrayList<>() : null;
                NDArray logits = model.forward(s, inputs, o.batch(), o.length(), routerLogits);
                NDArray loss = crossEntropy(s, logits, targets);
                NDArray total = loss;
                if (routerLogits != null) {
                    NDArray z = null;
                    for (NDArray rl : routerLogits) {
                        NDArray lse = logSumExp(rl);
                        NDArray zl = lse.mul(lse).mean();
                        z = z == null ? zl : z.add(zl);
                    }
                    total = loss.add(z.mul(s.create((float) (o.zLoss() / routerLogits.size()))));
                }
                ce = loss.getFloat();
                t1 = System.nanoTime();
                forwardNanos += t1 - t0;
                if (gcBetweenForwardAndBackward) {
                    System.gc();
                    System.runFinalization();
                }
                collector.backward(total);
            }
            long t2 = System.nanoTime();
            backwardNanos += t2 - t1;
            if (!Double.isFinite(ce)) {
                throw new OwnerKitException("training diverged at step " + step + " (loss " + ce + "); lower --lr");
            }
            update(s, step);
            updateNanos += System.nanoTime() - t2;
            return ce;
        }
    }

    static NDArray crossEntropy(NDManager s, NDArray logits, long[] targets) {
        NDArray t = s.create(targets, new ai.djl.ndarray.types.Shape(logits.getShape().get(0), logits.getShape().get(1), 1));
        return logits.logSoftmax(2).gather(t, 2).mean().neg();
    }

    private static NDArray logSumExp(NDArray x) {
        int last = x.getShape().dimension() - 1;
        NDArray max = x.stopGradient().max(new int[]{last}, true);
        return x.sub(max).exp().sum(new int[]{last}).log().add(max.squeeze(last));
    }

    double learningRate(int step) {
        if (step <= o.warmup()) {
            return o.learningRate() * step / Math.max(1, o.warmup());
        }
        double progress = (double) (step - o.warmup()) / Math.max(1, o.steps() - o.warmup());
        return o.minLearningRate() + 0.5 * (o.learningRate() - o.minLearningRate()) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }

    private void update(NDManager s, int step) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        double sq = 0;
        for (String name : model.trainable()) {
            NDArray raw = model.param(name).getGradient();
            raw.attach(s);
            NDArray mask = gradientMasks.get(name);
            if (mask != null) {
                // Clear the stored gradient here (it is replaced by its masked copy below).
                NDArray masked = raw.mul(mask);
                raw.subi(raw.duplicate());
                raw.addi(masked);
            }
            NDArray g = raw;
            grads.put(name, g);
            sq += g.mul(g).sum().getFloat();
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            throw new OwnerKitException("non-finite gradient at step " + step + "; training stopped");
        }
        double scale = o.clip() > 0 && norm > o.clip() ? o.clip() / norm : 1.0;
        double lr = learningRate(step);
        NDArray scaleA = s.create((float) scale);
        NDArray b1 = s.create((float) BETA1);
        NDArray b1c = s.create((float) (1 - BETA1));
        NDArray b2 = s.create((float) BETA2);
        NDArray b2c = s.create((float) (1 - BETA2));
        NDArray bias1 = s.create((float) (1 - Math.pow(BETA1, step)));
        NDArray bias2 = s.create((float) (1 - Math.pow(BETA2, step)));
        NDArray eps = s.create((float) ADAM_EPS);
        NDArray lrA = s.create((float) lr);
        NDArray decay = s.create((float) (1 - lr * o.weightDecay()));
        NDArray zero = s.create(0f);
        for (Map.Entry<String, NDArray> e : grads.entrySet()) {
            String name = e.getKey();
            NDArray p = model.param(name);
            NDArray g = e.getValue().mul(scaleA);
            NDArray mm = m.get(name);
            NDArray vv = v.get(name);
            mm.muli(b1).addi(g.mul(b1c));
            vv.muli(b2).addi(g.mul(g).mul(b2c));
            NDArray denom = g.zerosLike().add(vv).div(bias2).sqrt().add(eps);
            Double scaleLr = learningRateScales.get(name);
            NDArray delta = g.zerosLike().add(mm).div(bias1).div(denom).mul(scaleLr == null ? lrA : s.create((float) (lr * scaleLr)));
            // Decoupled weight decay on matrices only (norm weights, routers and biases are not decayed).
            if (o.weightDecay() > 0 && p.getShape().dimension() == 2 && !name.endsWith("mlp.gate.weight")) {
                p.muli(decay);
            }
            p.subi(delta);
            if (name.equals(TorchFlexOlmo.ROUTER_BIAS)) {
                // b_e <= 0 (DESIGN §1), and the public column stays 0.
                NDArray clamped = g.zerosLike().add(p).minimum(zero);
                p.set(clamped.toFloatArray());
            }
            // Gradients accumulate in PyTorch: clear them for the next step.
            e.getValue().subi(e.getValue().duplicate());
        }
    }

    // ---- checkpoints --------------------------------------------------------------------------------------

    private ObjectNode identity() {
        ObjectNode n = JSON.createObjectNode();
        n.set("options", o.toJson());
        n.set("config", model.config().toJson());
        n.set("trainable", JSON.valueToTree(new ArrayList<>(model.trainable())));
        return n;
    }

    private void checkpoint(int step) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String name : model.names()) {
            NDArray p = model.param(name);
            w.add("param/" + name, DType.F32, p.toFloatArray(), p.getShape().getShape());
        }
        for (String name : model.trainable()) {
            w.add("m/" + name, DType.F32, m.get(name).toFloatArray(), m.get(name).getShape().getShape());
            w.add("v/" + name, DType.F32, v.get(name).toFloatArray(), v.get(name).getShape().getShape());
        }
        checkpoints.write(step, identity(), w);
    }

    private int resume() throws IOException {
        Optional<Checkpoints.Checkpoint> latest = checkpoints.latest();
        if (latest.isEmpty()) {
            return 0;
        }
        JsonNode meta = latest.get().meta();
        ObjectNode expected = identity();
        for (String field : List.of("options", "config", "trainable")) {
            if (meta.get(field) == null || !expected.get(field).toString().equals(meta.get(field).toString())) {
                throw new OwnerKitException(workDir + ": holds a checkpoint of a different run (" + field
                        + " differ); use another output directory or delete it");
            }
        }
        try (SafetensorsFile f = latest.get().openTensors()) {
            for (String name : model.names()) {
                model.load(name, f.read("param/" + name));
            }
            for (String name : model.trainable()) {
                m.get(name).set(f.read("m/" + name));
                v.get(name).set(f.read("v/" + name));
            }
        }
        return latest.get().step();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
