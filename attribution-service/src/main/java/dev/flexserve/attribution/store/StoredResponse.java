package dev.flexserve.attribution.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/**
 * One stored attribution event (one finished response); the schema is Flyway's ({@code V1__attribution.sql}).
 * Rows are inserted by {@link AttributionStore} with {@code on conflict do nothing}, which JPA cannot express;
 * the entity maps the table for the contributions that reference it and for schema validation.
 */
@Entity
@Table(name = "attribution_response")
public class StoredResponse extends PanacheEntityBase {
    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "request_id")
    public String requestId;
    public String source;
    @Column(name = "event_time")
    public Instant eventTime;
    public String organization;
    public String subject;
    public String model;
    @Column(name = "trunk_version")
    public String trunkVersion;
    @Column(name = "prompt_tokens")
    public int promptTokens;
    @Column(name = "completion_tokens")
    public int completionTokens;
    @Column(name = "total_tokens")
    public int totalTokens;
    @Column(name = "weight_sum")
    public double weightSum;
    @Column(name = "finish_reason")
    public String finishReason;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "dropped_experts")
    public String droppedExperts;
    @Column(name = "stored_at", insertable = false, updatable = false)
    public Instant storedAt;
}
