package dev.flexserve.attribution.report;

import java.util.Map;

/**
 * One row of a usage report: the values of its {@code group_by} keys (in the query's order; a key is null for
 * responses without an organization) and the four measures docs/attribution.md defines.
 */
public record UsageRow(Map<String, String> keys, long requests, long tokens, long promptTokens, double weightTokens) {
}
