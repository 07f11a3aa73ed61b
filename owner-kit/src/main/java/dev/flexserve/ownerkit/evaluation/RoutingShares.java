package dev.flexserve.ownerkit.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.flexserve.model.packages.ExpertPackage;
import dev.flexserve.model.packages.ModelSet;
import dev.flexserve.model.tokenizer.Tokenizer;
import dev.flexserve.ownerkit.packaging.PackageWeights;
import dev.flexserve.ownerkit.training.TorchFlexOlmo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the merged router sends held-out text: per domain, the share of routing decisions (every scored token in every
 * layer, all experts allowed, the config's top-k) that select both the public expert and the expert of the same id as
 * the domain, the pair that expert was anchor-trained in. For public text, the share that select the public expert.
 * A domain with no expert of its id is left out. Router logits come from the DJL forward, which computes the served
 * function ({@code TorchEngineEquivalenceTest}).
 */
public final class RoutingShares {
    private static final int BATCH = 16;

    private RoutingShares() {
    }

    public static Map<String, Double> of(ModelSet set, Map<String, TextChunks> texts, NDManager root) {
        List<String> ids = set.experts().stream().map(ExpertPackage::id).toList();
        PackageWeights weights = new PackageWeights(set.trunk(), set.experts());
        int k = Math.min(weights.config().numExpertsPerTok(), ids.size());
        Map<String, Double> shares = new LinkedHashMap<>();
        int eos = weights.config().eosTokenId();
        try (TorchFlexOlmo model = new TorchFlexOlmo(weights.config(), weights, weights.bias(), root);
             Tokenizer tokenizer = set.trunk().openTokenizer()) {
            for (Map.Entry<String, TextChunks> t : texts.entrySet()) {
                int own = ids.indexOf(t.getKey());
                if (own < 0) {
                    continue;
                }
                long hits = 0;
                long decisions = 0;
                for (List<int[]> group : sameLengthGroups(t.getValue().tokens(tokenizer))) {
                    int length = group.get(0).length;
                    long[] tokens = new long[group.size() * length];
                    for (int r = 0; r < group.size(); r++) {
                        int[] in = TextChunks.input(group.get(r), eos);
                        for (int i = 0; i < length; i++) {
                            tokens[r * length + i] = in[i];
                        }
                    }
                    try (NDManager step = root.newSubManager()) {
                        List<NDArray> routerLogits = new ArrayList<>();
                        model.forward(step, tokens, group.size(), length, routerLogits);
                        for (NDArray layer : routerLogits) {
                            float[] logits = layer.toFloatArray();
                            for (int at = 0; at < logits.length; at += ids.size()) {
                                if (selects(logits, at, ids.size(), k, 0) && selects(logits, at, ids.size(), k, own)) {
                                    hits++;
                                }
                                decisions++;
                            }
                        }
                    }
                }
                shares.put(t.getKey(), (double) hits / decisions);
            }
        }
        return shares;
    }

    /** Whether expert {@code e} is among the {@code k} largest of the {@code n} logits at {@code at}. */
    private static boolean selects(float[] logits, int at, int n, int k, int e) {
        int larger = 0;
        for (int j = 0; j < n; j++) {
            if (logits[at + j] > logits[at + e]) {
                larger++;
            }
        }
        return larger < k;
    }

    private static List<List<int[]>> sameLengthGroups(List<int[]> pieces) {
        Map<Integer, List<int[]>> byLength = new LinkedHashMap<>();
        for (int[] p : pieces) {
            byLength.computeIfAbsent(p.length, x -> new ArrayList<>()).add(p);
        }
        List<List<int[]>> groups = new ArrayList<>();
        for (List<int[]> same : byLength.values()) {
            for (int i = 0; i < same.size(); i += BATCH) {
                groups.add(same.subList(i, Math.min(same.size(), i + BATCH)));
            }
        }
        return groups;
    }
}
