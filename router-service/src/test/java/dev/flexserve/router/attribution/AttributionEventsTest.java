package dev.flexserve.router.attribution;

import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.AttributionEventCodec;
import dev.flexserve.attribution.event.DroppedExpert;
import dev.flexserve.attribution.event.ExpertContribution;
import dev.flexserve.attribution.event.FinishReason;
import dev.flexserve.attribution.event.Usage;
import dev.flexserve.model.engine.ExpertDrop;
import dev.flexserve.model.generation.ExpertAttribution;
import dev.flexserve.model.generation.GenerationResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AttributionEventsTest {

    @Test
    void theEventCarriesTheResultsAttributionUsageAndDrops() throws Exception {
        GenerationResult result = new GenerationResult(new int[]{5, 6, 7, 8}, "text", "length", 3,
                List.of(new ExpertAttribution("public", "public", "aa", 0.75, 4, 3),
                        new ExpertAttribution("hospital-notes", "hospital", "bb", 0.25, 2, 1)),
                List.of(new ExpertDrop("case-law", 1, "deadline_exceeded")), null);
        AttributionEvent e = AttributionEvents.of("gen-1", "acme", "alice", "flexolmo", "trunk", result, FinishReason.LENGTH);
        assertThat(e.requestId()).isEqualTo("gen-1");
        assertThat(e.organization()).isEqualTo("acme");
        assertThat(e.subject()).isEqualTo("alice");
        assertThat(e.source()).startsWith("urn:flexserve:router-service:");
        assertThat(e.experts()).containsExactly(new ExpertContribution("public", "public", "aa", 0.75, 4, 3),
                new ExpertContribution("hospital-notes", "hospital", "bb", 0.25, 2, 1));
        assertThat(e.usage()).isEqualTo(new Usage(3, 4, 7));
        assertThat(e.droppedExperts()).containsExactly(new DroppedExpert("case-law", 1, "deadline_exceeded"));
        assertThat(AttributionEventCodec.decode(AttributionEventCodec.encode(e))).isEqualTo(e);
        assertThat(AttributionEvents.of("gen-2", null, null, "m", "t", result, FinishReason.LENGTH).id())
                .as("every event has its own id").isNotEqualTo(e.id());
    }
}
