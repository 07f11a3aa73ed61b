package dev.flexserve.attribution.event;

/** The response's token counts, as in the OpenAI {@code usage} object. */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {
    public Usage {
        Require.nonNegative("prompt_tokens", promptTokens);
        Require.nonNegative("completion_tokens", completionTokens);
        if ((long) promptTokens + completionTokens != totalTokens) {
            throw new IllegalArgumentException("total_tokens must be prompt_tokens + completion_tokens ("
                    + ((long) promptTokens + completionTokens) + "), got " + totalTokens);
        }
    }

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
    }
}
