package dev.flexserve.model.engine;

/**
 * An expert as the engine sees it: where its FFN runs, and its router rows and bias per layer.
 *
 * @param router {@code [layer][hidden]}
 * @param bias   {@code [layer]}, or null for none
 */
public record Expert(String id, String owner, String version, float[][] router, float[] bias, ExpertFfn ffn) {
}
