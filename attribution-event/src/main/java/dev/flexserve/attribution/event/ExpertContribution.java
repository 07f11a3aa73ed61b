package dev.flexserve.attribution.event;

/**
 * How one expert took part in a response (DESIGN.md §6), as the response's attribution block lists it.
 *
 * @param expert       the expert's id
 * @param owner        the organisation that owns the expert
 * @param version      the expert package's content hash
 * @param weight       the expert's share of the selected gate mass over the generated tokens and layers, in [0, 1];
 *                     the shares of one response add up to 1 (or are all 0 when nothing was generated)
 * @param tokens       generated tokens for which the expert was selected in at least one layer
 * @param promptTokens prompt positions for which the expert was selected in at least one layer
 */
public record ExpertContribution(String expert, String owner, String version, double weight, int tokens,
                                 int promptTokens) {
    public ExpertContribution {
        Require.text("expert", expert);
        Require.text("owner", owner);
        Require.text("version", version);
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be a number in [0, 1], got " + weight);
        }
        Require.nonNegative("tokens", tokens);
        Require.nonNegative("prompt_tokens", promptTokens);
    }
}
