package dev.flexserve.model.engine;

import dev.flexserve.model.config.FlexOlmoConfig;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.packages.TrunkPackage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The FlexOlmo forward pass over a batch of sequences (DESIGN.md §1). Each call runs, per layer, attention for all
 * sequences at once, then the router for every real position with its own sequence's allowed set, then one call
 * per selected expert with exactly the rows routed to it (a layer's remote experts concurrently, while the
 * in-process ones compute on the calling thread), then the weighted sum, post-FFN norm and residual. Prefill (many new positions) and decode (one
 * new position per sequence) are the same call. An expert that fails a call is dropped from the allowed set of
 * the sequences it served, and their rows are routed again without it ({@link LayerMixture}).
 *
 * <p>{@link #forward} may run on several threads at once for disjoint sets of sequences (the trunk's ONNX Runtime
 * sessions and the experts are safe to share; everything else a call touches is its own), which lets a scheduler
 * overlap one micro-batch's expert round trips with another's work. A sequence belongs to one thread at a time.
 * Experts are reached only through {@link ExpertFfn}, so they may live in this process or behind the network.
 *
 * <p>Ownership: an engine built with the constructor runs over a trunk and experts that others opened and will
 * close (a router builds a new engine over its one trunk whenever its experts change): its {@link #close} leaves
 * them open. Only {@link #inProcess} opens what it runs on, and closing that engine closes it all.
 */
public final class Engine implements AutoCloseable {
    private final FlexOlmoConfig config;
    private final TrunkRuntime trunk;
    private final float[][] postFfnNorm;
    private final List<Expert> experts;
    private final int expertsPerToken;
    private final boolean ownsResources;
    private final ThreadLocal<KvStaging> decodeStaging;
    private final ThreadLocal<KvStaging> prefillStaging;

    /** An engine over a trunk runtime and experts owned by the caller; closing it closes neither. */
    public Engine(TrunkPackage trunkPackage, TrunkRuntime trunk, List<Expert> experts, int expertsPerToken) {
        this(trunkPackage, trunk, experts, expertsPerToken, false);
    }

    private Engine(TrunkPackage trunkPackage, TrunkRuntime trunk, List<Expert> experts, int expertsPerToken, boolean ownsResources) {
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("an engine needs at least one expert");
        }
        if (expertsPerToken < 1) {
            throw new IllegalArgumentException("experts per token must be at least 1, got " + expertsPerToken);
        }
        this.config = trunkPackage.config();
        this.trunk = trunk;
        this.postFfnNorm = trunkPackage.postFeedforwardNorm();
        this.experts = List.copyOf(experts);
        this.expertsPerToken = expertsPerToken;
        this.ownsResources = ownsResources;
        this.decodeStaging = ThreadLocal.withInitial(() -> new KvStaging(config));
        this.prefillStaging = ThreadLocal.withInitial(() -> new KvStaging(config));
    }

    /**
     * An engine with every expert of the model set in this process on ONNX Runtime, using the trunk's
     * configured number of experts per token unless {@code expertsPerToken} is positive.
     */
    public static Engine inProcess(ModelSet models, int expertsPerToken, int intraOpThreads) {
        TrunkPackage t = models.trunk();
        List<Expert> experts = new ArrayList<>();
        for (ExpertPackage p : models.experts()) {
            experts.add(new Expert(p.id(), p.manifest().owner(), p.hash(), p.router(), p.bias(),
                    new OnnxExpertFfn(p, t.config().hiddenSize(), intraOpThreads)));
        }
        int k = expertsPerToken > 0 ? expertsPerToken : t.config().numExpertsPerTok();
        return new Engine(t, new TrunkRuntime(t, intraOpThreads), experts, k, true);
    }

    public FlexOlmoConfig config() {
        return config;
    }

    public List<Expert> experts() {
        return experts;
    }

    public int expertsPerToken() {
        return expertsPerToken;
    }

    /** The trunk's sessions, for building another engine over the same trunk with other expert endpoints. */
    public TrunkRuntime trunkRuntime() {
        return trunk;
    }

    /** The slot of an expert id, or -1. */
    public int slotOf(String id) {
        for (int i = 0; i < experts.size(); i++) {
            if (experts.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Starts a sequence whose allowed experts are {@code allowedIds} (every expert when null).
     *
     * @throws IllegalArgumentException for unknown ids or an empty set
     */
    public Sequence newSequence(Collection<String> allowedIds, int promptLength) {
        int[] allowed;
        if (allowedIds == null) {
            allowed = new int[experts.size()];
            Arrays.setAll(allowed, i -> i);
        } else {
            allowed = allowedIds.stream().mapToInt(id -> {
                int slot = slotOf(id);
                if (slot < 0) {
                    throw new IllegalArgumentException("unknown expert '" + id + "'");
                }
                return slot;
            }).distinct().sorted().toArray();
        }
        if (allowed.length == 0) {
            throw new IllegalArgumentException("at least one expert must be allowed");
        }
        return new Sequence(new KvCache(config, Math.max(16, promptLength + 16)), allowed, promptLength, experts.size());
    }

    /**
     * Computes {@code newTokens.get(i)} as the next positions of {@code batch.get(i)}, appends them to the
     * sequences' caches, and returns the logits of the last new position of each sequence ({@code [batch][vocab]}),
     * or of every new position when {@code allPositions} ({@code [batch][positions * vocab]}).
     */
    public float[][] forward(List<Sequence> batch, List<int[]> newTokens, boolean allPositions) {
        int b = batch.size();
        if (b == 0 || newTokens.size() != b) {
            throw new IllegalArgumentException("batch and new tokens must be non-empty and of equal size");
        }
        int fresh = 0;
        for (int i = 0; i < b; i++) {
            int[] t = newTokens.get(i);
            if (t.length == 0) {
                throw new IllegalArgumentException("every sequence needs at least one new token");
            }
            if (batch.get(i).length() + t.length > config.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("sequence of " + (batch.get(i).length() + t.length)
                        + " positions exceeds the context of " + config.maxPositionEmbeddings());
            }
            fresh = Math.max(fresh, t.length);
        }
        int d = config.hiddenSize();
        long[] ids = new long[b * fresh];
        for (int i = 0; i < b; i++) {
            int[] t = newTokens.get(i);
            for (int j = 0; j < t.length; j++) {
                if (t[j] < 0 || t[j] >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + t[j] + " is outside the vocabulary (0.." + (config.vocabSize() - 1) + ")");
                }
                ids[i * fresh + j] = t[j];
            }
        }
        float[] hidden = trunk.embed(ids);
        boolean[][] selectedAnyLayer = new boolean[b * fresh][];
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            hidden = attention(l, batch, newTokens, hidden, fresh);
            mixture(l, batch, newTokens, hidden, fresh, selectedAnyLayer);
        }
        for (int i = 0; i < b; i++) {
            batch.get(i).cache().commit(newTokens.get(i).length);
        }
        countTokens(batch, newTokens, fresh, selectedAnyLayer);
        return logits(batch, newTokens, hidden, fresh, d, allPositions);
    }

    private float[] attention(int layer, List<Sequence> batch, List<int[]> newTokens, float[] hidden, int fresh) {
        int b = batch.size();
        long[] pastLengths = new long[b];
        for (int i = 0; i < b; i++) {
            pastLengths[i] = batch.get(i).length();
        }
        // Decode steps keep their staged pasts between calls; prefills (other sequences each time) have their own.
        KvStaging staging = (fresh == 1 ? decodeStaging : prefillStaging).get();
        staging.stage(layer, batch);
        TrunkRuntime.Attention a = trunk.attend(layer, hidden, b, fresh, staging.keys(layer, b), staging.values(layer, b),
                staging.stride(), pastLengths);
        for (int i = 0; i < b; i++) {
            batch.get(i).cache().append(layer, a.newKeys(), a.newValues(), i, fresh, newTokens.get(i).length);
        }
        return a.hidden();
    }

    /** Routes every real position, calls each selected expert once with its rows, and adds the normed mixture. */
    private void mixture(int layer, List<Sequence> batch, List<int[]> newTokens, float[] hidden, int fresh,
                         boolean[][] selectedAnyLayer) {
        int slots = experts.size();
        float[][] routers = new float[slots][];
        float[] bias = new float[slots];
        for (int s = 0; s < slots; s++) {
            Expert e = experts.get(s);
            routers[s] = e.router()[layer];
            bias[s] = e.bias() == null ? 0f : e.bias()[layer];
        }
        new LayerMixture(layer, experts, routers, bias, expertsPerToken, config.hiddenSize())
                .run(batch, newTokens, hidden, fresh, selectedAnyLayer, postFfnNorm[layer], config.rmsNormEps());
    }

    private static void countTokens(List<Sequence> batch, List<int[]> newTokens, int fresh, boolean[][] selected) {
        for (int i = 0; i < batch.size(); i++) {
            Sequence seq = batch.get(i);
            int count = newTokens.get(i).length;
            int firstPosition = seq.length() - count;
            for (int j = 0; j < count; j++) {
                boolean[] any = selected[i * fresh + j];
                if (any == null) {
                    continue;
                }
                for (int s = 0; s < any.length; s++) {
                    if (!any[s]) {
                        continue;
                    }
                    if (firstPosition + j < seq.promptLength()) {
                        seq.usage().countPrompt(s);
                    }
                    if (j == count - 1) {
                        seq.usage().countGenerated(s);
                    }
                }
            }
        }
    }

    private float[][] logits(List<Sequence> batch, List<int[]> newTokens, float[] hidden, int fresh, int d, boolean allPositions) {
        int b = batch.size();
        int rows = 0;
        for (int[] t : newTokens) {
            rows += allPositions ? t.length : 1;
        }
        float[] selected = new float[rows * d];
        int r = 0;
        for (int i = 0; i < b; i++) {
            int count = newTokens.get(i).length;
            for (int j = allPositions ? 0 : count - 1; j < count; j++) {
                System.arraycopy(hidden, (i * fresh + j) * d, selected, r++ * d, d);
            }
        }
        float[] all = trunk.logits(selected, rows);
        int vocab = config.vocabSize();
        float[][] out = new float[b][];
        int offset = 0;
        for (int i = 0; i < b; i++) {
            int n = allPositions ? newTokens.get(i).length : 1;
            out[i] = Arrays.copyOfRange(all, offset * vocab, (offset + n) * vocab);
            offset += n;
        }
        return out;
    }

    /** Closes the trunk's sessions and the experts when this engine opened them ({@link #inProcess}); else nothing. */
    @Override
    public void close() {
        if (!ownsResources) {
            return;
        }
        trunk.close();
        for (Expert e : experts) {
            e.ffn().close();
        }
    }
}
