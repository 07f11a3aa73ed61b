package dev.flexserve.attribution.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** One expert of a stored event's attribution block. */
@Entity
@Table(name = "attribution_contribution")
public class StoredContribution extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "contribution")
    @SequenceGenerator(name = "contribution", sequenceName = "attribution_contribution_seq", allocationSize = 50)
    public Long id;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "event_id")
    public StoredResponse response;
    public String expert;
    public String owner;
    public String version;
    public double weight;
    public int tokens;
    @Column(name = "prompt_tokens")
    public int promptTokens;
}
