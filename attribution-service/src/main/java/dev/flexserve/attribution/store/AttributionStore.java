package dev.flexserve.attribution.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flexserve.attribution.event.AttributionEvent;
import dev.flexserve.attribution.event.ExpertContribution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.ZoneOffset;

/**
 * Writes attribution events, each in one transaction, idempotently: the response row is inserted with
 * {@code on conflict (event_id) do nothing}, so an event that is already stored changes nothing — no read before
 * the write, and no race between two deliveries of one event (the unique key decides).
 */
@ApplicationScoped
public class AttributionStore {
    private static final String INSERT_RESPONSE = """
            insert into attribution_response (event_id, request_id, source, event_time, organization, subject, model,
                trunk_version, prompt_tokens, completion_tokens, total_tokens, weight_sum, finish_reason, dropped_experts)
            values (:event_id, :request_id, :source, :event_time, :organization, :subject, :model, :trunk_version,
                :prompt_tokens, :completion_tokens, :total_tokens, :weight_sum, :finish_reason, cast(:dropped_experts as jsonb))
            on conflict (event_id) do nothing
            """;

    private final ObjectMapper json;

    public AttributionStore(ObjectMapper json) {
        this.json = json;
    }

    /** Stores the event unless an event with its id is stored already; true when this call stored it. */
    @Transactional
    public boolean store(AttributionEvent e) {
        EntityManager em = StoredResponse.getEntityManager();
        int inserted = em.createNativeQuery(INSERT_RESPONSE)
                .setParameter("event_id", e.id())
                .setParameter("request_id", e.requestId())
                .setParameter("source", e.source())
                .setParameter("event_time", e.time().atOffset(ZoneOffset.UTC))
                .setParameter("organization", e.organization())
                .setParameter("subject", e.subject())
                .setParameter("model", e.model())
                .setParameter("trunk_version", e.trunkVersion())
                .setParameter("prompt_tokens", e.usage().promptTokens())
                .setParameter("completion_tokens", e.usage().completionTokens())
                .setParameter("total_tokens", e.usage().totalTokens())
                .setParameter("weight_sum", e.weightSum())
                .setParameter("finish_reason", e.finishReason().wire())
                .setParameter("dropped_experts", droppedExperts(e))
                .executeUpdate();
        if (inserted == 0) {
            return false;
        }
        StoredResponse response = em.getReference(StoredResponse.class, e.id());
        for (ExpertContribution x : e.experts()) {
            StoredContribution c = new StoredContribution();
            c.response = response;
            c.expert = x.expert();
            c.owner = x.owner();
            c.version = x.version();
            c.weight = x.weight();
            c.tokens = x.tokens();
            c.promptTokens = x.promptTokens();
            c.persist();
        }
        return true;
    }

    private String droppedExperts(AttributionEvent e) {
        try {
            return json.writeValueAsString(e.droppedExperts());
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
