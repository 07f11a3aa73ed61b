package dev.flexserve.gateway.openai;

/** {@code stream_options}: {@code include_usage} adds a last chunk with the usage (and an empty {@code choices}). */
public record StreamOptions(Boolean includeUsage) {
}
