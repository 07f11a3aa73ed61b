package dev.flexserve.attribution.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a usage report selects and how it splits it: filters on expert, owner (the experts' owner organisation),
 * organization (the consumer organisation), time ({@code from} inclusive, {@code until} exclusive) and request id,
 * and the dimensions of {@code group_by}. Parsed strictly from query parameters: an unknown or repeated parameter,
 * an empty value, a malformed time or an unknown dimension is an {@link InvalidQueryException}.
 */
public record UsageQuery(String expert, String owner, String organization, Instant from, Instant until,
                         String requestId, List<GroupBy> groupBy) {
    public static final String EXPERT = "expert";
    public static final String OWNER = "owner";
    public static final String ORGANIZATION = "organization";
    public static final String FROM = "from";
    public static final String UNTIL = "until";
    public static final String REQUEST_ID = "request_id";
    public static final String GROUP_BY = "group_by";
    private static final Set<String> PARAMETERS = Set.of(EXPERT, OWNER, ORGANIZATION, FROM, UNTIL, REQUEST_ID, GROUP_BY);
    private static final String NONE = "none";

    public UsageQuery {
        groupBy = List.copyOf(groupBy);
    }

    /**
     * Whether the rows are about the experts' contributions (a filter on expert or owner, or a split by them) rather
     * than about whole responses; docs/attribution.md, "Reports", says what each measure means in either case.
     */
    public boolean perContribution() {
        return expert != null || owner != null || groupBy.stream().anyMatch(GroupBy::perContribution);
    }

    public static UsageQuery parse(Map<String, List<String>> parameters) {
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (!PARAMETERS.contains(p.getKey())) {
                throw new InvalidQueryException(p.getKey(), "unknown parameter '" + p.getKey() + "'; the parameters are "
                        + PARAMETERS.stream().sorted().collect(Collectors.joining(", ")));
            }
            if (p.getValue().size() != 1) {
                throw new InvalidQueryException(p.getKey(), "give '" + p.getKey() + "' once");
            }
            if (p.getValue().get(0).isBlank()) {
                throw new InvalidQueryException(p.getKey(), "'" + p.getKey() + "' is empty");
            }
        }
        Instant from = time(parameters, FROM);
        Instant until = time(parameters, UNTIL);
        if (from != null && until != null && !from.isBefore(until)) {
            throw new InvalidQueryException(UNTIL, "'until' (" + until + ") must be after 'from' (" + from + ")");
        }
        return new UsageQuery(value(parameters, EXPERT), value(parameters, OWNER), value(parameters, ORGANIZATION),
                from, until, value(parameters, REQUEST_ID), groupBy(value(parameters, GROUP_BY)));
    }

    private static String value(Map<String, List<String>> parameters, String name) {
        List<String> v = parameters.get(name);
        return v == null ? null : v.get(0);
    }

    /** An ISO-8601 instant with an offset ({@code 2026-11-25T10:00:00Z}), or a date, meaning its midnight in UTC. */
    private static Instant time(Map<String, List<String>> parameters, String name) {
        String v = value(parameters, name);
        if (v == null) {
            return null;
        }
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(name, "'" + name + "' must be an ISO-8601 time with an offset, such as "
                    + "2026-11-25T10:00:00Z, or a date such as 2026-11-25; got '" + v + "'");
        }
    }

    private static List<GroupBy> groupBy(String value) {
        if (value == null || value.equals(NONE)) {
            return List.of();
        }
        List<GroupBy> out = new ArrayList<>();
        for (String name : value.split(",", -1)) {
            GroupBy g = Arrays.stream(GroupBy.values()).filter(x -> x.key().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new InvalidQueryException(GROUP_BY, "unknown group_by '" + name.trim()
                            + "'; use none or a comma-separated list of "
                            + Arrays.stream(GroupBy.values()).map(GroupBy::key).collect(Collectors.joining(", "))));
            if (out.contains(g)) {
                throw new InvalidQueryException(GROUP_BY, "group_by names '" + g.key() + "' twice");
            }
            out.add(g);
        }
        if (out.contains(GroupBy.HOUR) && out.contains(GroupBy.DAY)) {
            throw new InvalidQueryException(GROUP_BY, "group_by takes one time bucket: hour or day, not both");
        }
        return out;
    }
}
