package dev.flexserve.gateway.openai;

/**
 * One expert's part in a response (DESIGN §6): its share of the selected gate mass over all generated tokens and
 * layers ({@code weight}; shares add up to 1), the generated and prompt tokens it was selected for. Experts that were
 * allowed but never selected are listed with weight 0.
 */
public record Attribution(String expert, String owner, String version, double weight, int tokens, int promptTokens) {
}
