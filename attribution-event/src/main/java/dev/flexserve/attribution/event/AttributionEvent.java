package dev.flexserve.attribution.event;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One finished response and how each expert took part in it: what the router hands off and the
 * attribution-service stores, exactly once per event id. On the wire it is a CloudEvents 1.0 structured JSON
 * event ({@link AttributionEventCodec}); {@code docs/attribution.md} documents every field.
 *
 * <p>The constructor enforces the schema's invariants, so a producer cannot build an event a consumer would refuse:
 * token counts are non-negative and add up, an expert never has more tokens than the response, each expert is
 * listed once, and the weights add up to 1 when tokens were generated (to 0 when none were), since reports credit
 * each expert {@code weight × completion_tokens}.
 *
 * @param id             the event id, unique per response; a replayed event keeps it (consumers are idempotent by it)
 * @param source         the producing router instance (a URI reference)
 * @param time           when the response finished
 * @param requestId      the response's id, as the client saw it; the Kafka key
 * @param organization   the consumer organisation the request acted for, or null when it came without an identity
 * @param subject        the caller (the token's subject), or null when it came without an identity
 * @param model          the model the client asked for
 * @param trunkVersion   the trunk package's content hash
 * @param experts        every expert that was allowed for the response, including those never selected (weight 0)
 * @param usage          the response's token counts
 * @param finishReason   why it ended
 * @param droppedExperts experts that failed during the response and were left out from then on
 */
public record AttributionEvent(String id, String source, Instant time, String requestId, String organization,
                               String subject, String model, String trunkVersion, List<ExpertContribution> experts,
                               Usage usage, FinishReason finishReason, List<DroppedExpert> droppedExperts) {
    /** How far the weights of a response may be from summing to 1 (they are doubles from a sum of floats). */
    public static final double WEIGHT_SUM_TOLERANCE = 1e-6;

    public AttributionEvent {
        Require.text("id", id);
        Require.text("source", source);
        Objects.requireNonNull(time, "time");
        Require.text("request_id", requestId);
        Require.textOrNull("organization", organization);
        Require.textOrNull("subject", subject);
        Require.text("model", model);
        Require.text("trunk_version", trunkVersion);
        experts = List.copyOf(Objects.requireNonNull(experts, "experts"));
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(finishReason, "finish_reason");
        droppedExperts = List.copyOf(Objects.requireNonNull(droppedExperts, "dropped_experts"));
        checkExperts(experts, usage);
    }

    /** The sum of the experts' weights: 1 when tokens were generated, 0 when none were. */
    public double weightSum() {
        double sum = 0;
        for (ExpertContribution e : experts) {
            sum += e.weight();
        }
        return sum;
    }

    private static void checkExperts(List<ExpertContribution> experts, Usage usage) {
        Set<String> seen = new HashSet<>();
        double sum = 0;
        for (ExpertContribution e : experts) {
            if (!seen.add(e.expert())) {
                throw new IllegalArgumentException("experts lists '" + e.expert() + "' more than once");
            }
            if (e.tokens() > usage.completionTokens()) {
                throw new IllegalArgumentException("expert '" + e.expert() + "' has " + e.tokens()
                        + " tokens, more than the response's completion_tokens (" + usage.completionTokens() + ")");
            }
            if (e.promptTokens() > usage.promptTokens()) {
                throw new IllegalArgumentException("expert '" + e.expert() + "' has " + e.promptTokens()
                        + " prompt_tokens, more than the response's prompt_tokens (" + usage.promptTokens() + ")");
            }
            sum += e.weight();
        }
        boolean generated = usage.completionTokens() > 0 && !experts.isEmpty();
        double expected = generated ? 1 : 0;
        if (Math.abs(sum - expected) > WEIGHT_SUM_TOLERANCE) {
            throw new IllegalArgumentException("the experts' weights must add up to " + (generated ? "1" : "0")
                    + (generated ? "" : " when no tokens were generated") + ", got " + sum);
        }
    }
}
