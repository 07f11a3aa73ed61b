package dev.flexserve.attribution.report;

import java.util.Locale;

/** A dimension a usage report can be split by; its name is the {@code group_by} value and the row's key. */
public enum GroupBy {
    EXPERT("c.expert"),
    OWNER("c.owner"),
    ORGANIZATION("r.organization"),
    /** The hour the response finished, in UTC: {@code 2026-11-25T10:00:00Z}. */
    HOUR("to_char(r.event_time at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24\":00:00Z\"')"),
    /** The day the response finished, in UTC: {@code 2026-11-25}. */
    DAY("to_char(r.event_time at time zone 'UTC', 'YYYY-MM-DD')");

    /** The SQL expression of the key, over {@code attribution_response r} and {@code attribution_contribution c}. */
    final String sql;

    GroupBy(String sql) {
        this.sql = sql;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether rows split this way are about the experts' contributions rather than whole responses. */
    boolean perContribution() {
        return this == EXPERT || this == OWNER;
    }
}
