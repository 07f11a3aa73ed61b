package dev.flexserve.expert.serving;

/**
 * What this process serves and its state: the fields of the gRPC {@code ExpertDescription}, and the JSON body of the
 * HTTP admin endpoints.
 */
public record ExpertState(
        String expertId,
        String owner,
        String packageHash,
        String baseHash,
        int hiddenSize,
        int numLayers,
        boolean active,
        long forwardCalls,
        String executionProvider) {
}
