package dev.flexserve.attribution.testing;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.DroppedExpert;
import dev.flexserve.attribution.event.ExpertContribution;
import dev.flexserve.attribution.event.FinishReason;
import dev.flexserve.attribution.event.Usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Valid attribution events with varied experts, owners, organisations, token counts and weights. */
public final class TestEvents {
    /** Expert id → owner: two owners with two experts each, plus the public expert. */
    public static final String[][] EXPERTS = {
            {"public", "public"}, {"hospital-notes", "hospital"}, {"hospital-imaging", "hospital"},
            {"case-law", "lawfirm"}, {"statutes", "lawfirm"}};
    public static final String[] ORGANIZATIONS = {"acme", "globex", "initech", null};

    private final Random random;

    public TestEvents(long seed) {
        random = new Random(seed);
    }

    /** An event at {@code time}: the public expert plus a random subset of the others, some listed but unused. */
    public AttributionEvent at(Instant time) {
        int prompt = 1 + random.nextInt(40);
        int completion = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(60);
        List<String[]> chosen = new ArrayList<>();
        chosen.add(EXPERTS[0]);
        for (int i = 1; i < EXPERTS.length; i++) {
            if (random.nextBoolean()) {
                chosen.add(EXPERTS[i]);
            }
        }
        double[] mass = new double[chosen.size()];
        double total = 0;
        boolean[] unused = new boolean[chosen.size()];
        for (int i = 0; i < mass.length; i++) {
            unused[i] = i > 0 && random.nextInt(4) == 0;
            mass[i] = unused[i] || completion == 0 ? 0 : 0.05 + random.nextDouble();
            total += mass[i];
        }
        List<ExpertContribution> experts = new ArrayList<>();
        for (int i = 0; i < mass.length; i++) {
            int tokens = mass[i] == 0 ? 0 : 1 + random.nextInt(completion);
            int promptTokens = unused[i] ? 0 : random.nextInt(prompt + 1);
            experts.add(new ExpertContribution(chosen.get(i)[0], chosen.get(i)[1], "v" + i,
                    total == 0 ? 0 : mass[i] / total, tokens, promptTokens));
        }
        String organization = ORGANIZATIONS[random.nextInt(ORGANIZATIONS.length)];
        List<DroppedExpert> dropped = random.nextInt(6) == 0 ? List.of(new DroppedExpert("statutes", 1, "unavailable")) : List.of();
        FinishReason[] reasons = FinishReason.values();
        return new AttributionEvent(UUID.randomUUID().toString(), "urn:flexserve:test", time,
                "gen-" + UUID.randomUUID(), organization, organization == null ? null : "user-" + random.nextInt(3),
                "flexolmo", "trunk-hash", experts, Usage.of(prompt, completion), reasons[random.nextInt(reasons.length)], dropped);
    }
}
