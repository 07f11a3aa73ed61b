package dev.flexserve.model.generation;

/**
 * How one expert took part in a response (DESIGN.md §6). {@code weight} is the expert's share of all selected
 * gate mass over the generated tokens and layers (the shares of a response add up to 1); {@code tokens} counts
 * generated tokens for which it was selected in at least one layer; {@code promptTokens} the same over the prompt.
 */
public record ExpertAttribution(String expert, String owner, String version, double weight, int tokens, int promptTokens) {
}
