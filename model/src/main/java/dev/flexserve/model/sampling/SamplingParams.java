package dev.flexserve.model.sampling;

import java.util.List;

/**
 * How to pick tokens and when to stop, with the ranges of the OpenAI API. Invalid values are rejected
 * here, with messages that name the API parameter, so the API can return them to the client as they are.
 *
 * @param temperature divides the logits; 0 means greedy (always the most likely token), at most 2
 * @param topK        keep only the k most likely tokens; 0 turns the filter off
 * @param topP        nucleus sampling: keep the most likely tokens whose probabilities add up to this;
 *                    1.0 turns the filter off
 * @param seed        makes sampling repeatable; null for a random seed
 * @param maxTokens   the most tokens to generate, at least 1
 * @param stop        up to 4 non-empty strings that end generation (not included in the output); null
 *                    means none
 */
public record SamplingParams(double temperature, int topK, double topP, Long seed, int maxTokens, List<String> stop) {

    /** The OpenAI API's limit on stop sequences. */
    public static final int MAX_STOP_SEQUENCES = 4;
    private static final double MAX_TEMPERATURE = 2.0;

    public SamplingParams {
        if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
            throw new InvalidSamplingException("temperature must be between 0 and 2, got " + format(temperature));
        }
        if (topK < 0) {
            throw new InvalidSamplingException("top_k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidSamplingException("top_p must be in (0, 1], got " + format(topP));
        }
        if (maxTokens < 1) {
            throw new InvalidSamplingException("max_tokens must be at least 1, got " + maxTokens);
        }
        stop = stop == null ? List.of() : stop;
        if (stop.size() > MAX_STOP_SEQUENCES) {
            throw new InvalidSamplingException("stop accepts at most 4 sequences, got " + stop.size());
        }
        if (stop.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw new InvalidSamplingException("stop sequences must be non-empty strings");
        }
        stop = List.copyOf(stop);
    }

    /** Always the most likely token, no stop sequences. */
    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 0, 1.0, null, maxTokens, List.of());
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /** "0" rather than "0.0": the client sent a JSON number, echo it the way JSON writes it. */
    private static String format(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
