package dev.flexserve.model.engine;

import dev.flexserve.model.gating.Gate;
import dev.flexserve.model.gating.PostFeedforward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The MoE half of one layer for one batch: route every real position with its own sequence's allowed set, call
 * each selected expert once with exactly its rows (the remote ones concurrently, in flight while the in-process
 * ones compute on this thread), and add
 * {@code RMSNorm(sum_e p_e FFN_e(h))} to the residual stream.
 *
 * <p>An expert whose call throws, or returns the wrong shape or a NaN/Inf, is dropped from the allowed set of
 * every sequence that had rows routed to it (recorded on the sequence), those rows are routed again without it,
 * and the experts they now need are called; this repeats until every row has all its outputs. A sequence left
 * without any expert is marked failed and its rows get no MoE update.
 */
final class LayerMixture {
    private final int layer;
    private final List<Expert> experts;
    private final float[][] routers;
    private final float[] bias;
    private final int k;
    private final int d;

    LayerMixture(int layer, List<Expert> experts, float[][] routers, float[] bias, int k, int d) {
        this.layer = layer;
        this.experts = experts;
        this.routers = routers;
        this.bias = bias;
        this.k = k;
        this.d = d;
    }

    void run(List<Sequence> batch, List<int[]> newTokens, float[] hidden, int fresh, boolean[][] selectedAnyLayer,
             float[] normWeight, double eps) {
        int rowsTotal = batch.size() * fresh;
        Gate.Choice[] choices = new Gate.Choice[rowsTotal];
        int[] owner = new int[rowsTotal];
        Arrays.fill(owner, -1);
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < newTokens.get(i).length; j++) {
                owner[i * fresh + j] = i;
                choices[i * fresh + j] = route(hidden, i * fresh + j, batch.get(i));
            }
        }
        ExpertOutputs outputs = new ExpertOutputs(experts.size(), rowsTotal, d);
        while (true) {
            List<Call> calls = pendingCalls(choices, outputs, hidden);
            if (calls.isEmpty()) {
                break;
            }
            for (Call call : calls) {
                String failure = call.failure();
                if (failure == null) {
                    outputs.put(call.slot, call.rows, call.result);
                    continue;
                }
                for (int row : call.rows) {
                    Sequence seq = batch.get(owner[row]);
                    seq.drop(call.slot, experts.get(call.slot).id(), layer, failure);
                }
                for (int row = 0; row < rowsTotal; row++) {
                    if (choices[row] != null && contains(choices[row].experts(), call.slot)) {
                        Sequence seq = batch.get(owner[row]);
                        choices[row] = seq.failed() ? null : route(hidden, row, seq);
                    }
                }
            }
        }
        combine(batch, newTokens, fresh, hidden, choices, outputs, selectedAnyLayer, normWeight, eps);
    }

    private Gate.Choice route(float[] hidden, int row, Sequence seq) {
        return Gate.route(hidden, row * d, routers, bias, seq.allowedView(), k);
    }

    /** One call per expert with the rows that still lack its output: remote ones started first, then the local ones. */
    private List<Call> pendingCalls(Gate.Choice[] choices, ExpertOutputs outputs, float[] hidden) {
        List<List<Integer>> rowsPerSlot = new ArrayList<>();
        for (int s = 0; s < experts.size(); s++) {
            rowsPerSlot.add(new ArrayList<>());
        }
        for (int row = 0; row < choices.length; row++) {
            if (choices[row] != null) {
                for (int e : choices[row].experts()) {
                    if (!outputs.has(e, row)) {
                        rowsPerSlot.get(e).add(row);
                    }
                }
            }
        }
        List<Call> calls = new ArrayList<>();
        for (int s = 0; s < experts.size(); s++) {
            if (!rowsPerSlot.get(s).isEmpty()) {
                int[] rows = rowsPerSlot.get(s).stream().mapToInt(Integer::intValue).toArray();
                float[] input = new float[rows.length * d];
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(hidden, rows[i] * d, input, i * d, d);
                }
                calls.add(new Call(s, rows, input));
            }
        }
        calls.stream().filter(c -> experts.get(c.slot).ffn().remote()).forEach(Call::start);
        calls.stream().filter(c -> !experts.get(c.slot).ffn().remote()).forEach(Call::start);
        return calls;
    }

    private void combine(List<Sequence> batch, List<int[]> newTokens, int fresh, float[] hidden, Gate.Choice[] choices,
                         ExpertOutputs outputs, boolean[][] selectedAnyLayer, float[] normWeight, double eps) {
        float[] mixture = new float[d];
        for (int i = 0; i < batch.size(); i++) {
            Sequence seq = batch.get(i);
            int count = newTokens.get(i).length;
            for (int j = 0; j < count; j++) {
                int row = i * fresh + j;
                Gate.Choice c = choices[row];
                if (c == null) {
                    continue;
                }
                if (selectedAnyLayer[row] == null) {
                    selectedAnyLayer[row] = new boolean[experts.size()];
                }
                Arrays.fill(mixture, 0f);
                // Sum in slot order, the order a model without the unselected experts would use.
                int[] order = c.experts().clone();
                Arrays.sort(order);
                for (int e : order) {
                    float w = weightOf(c, e);
                    float[] out = outputs.array(e, row);
                    int base = outputs.offset(e, row);
                    for (int x = 0; x < d; x++) {
                        mixture[x] += w * out[base + x];
                    }
                    selectedAnyLayer[row][e] = true;
                    if (j == count - 1) {
                        seq.usage().addMass(e, w);
                    }
                }
                PostFeedforward.addNormalized(hidden, row * d, mixture, normWeight, eps);
            }
        }
    }

    private static float weightOf(Gate.Choice c, int slot) {
        for (int i = 0; i < c.experts().length; i++) {
            if (c.experts()[i] == slot) {
                return c.weights()[i];
            }
        }
        throw new IllegalStateException("slot " + slot + " not selected");
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** One expert call of this layer: its rows, and its result or the reason it failed. */
    private final class Call {
        final int slot;
        final int[] rows;
        final float[] input;
        CompletableFuture<float[]> future;
        float[] result;

        Call(int slot, int[] rows, float[] input) {
            this.slot = slot;
            this.rows = rows;
            this.input = input;
        }

        void start() {
            try {
                future = experts.get(slot).ffn().forwardAsync(layer, input, rows.length);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
        }

        /** Waits for the call; null when it succeeded with a well-formed result. */
        String failure() {
            try {
                result = future.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            } catch (RuntimeException e) {
                return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            if (result == null || result.length != rows.length * d) {
                return "returned " + (result == null ? "nothing" : result.length + " values") + " for " + rows.length + " rows of " + d;
            }
            for (float v : result) {
                if (!Float.isFinite(v)) {
                    return "returned NaN or Inf";
                }
            }
            return null;
        }
    }
}
