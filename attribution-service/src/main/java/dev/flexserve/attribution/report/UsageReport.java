package dev.flexserve.attribution.report;

import dev.flexserve.attribution.store.StoredResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs usage queries as one aggregate SQL query each. Rows about contributions read the experts' entries
 * (only those in which the expert took part: selected for at least one prompt or generated token); rows about
 * responses read the responses themselves. Only fixed SQL fragments are concatenated; every value is a parameter.
 */
@ApplicationScoped
public class UsageReport {
    private static final String CONTRIBUTIONS = """
            count(distinct r.event_id), coalesce(sum(c.tokens), 0), coalesce(sum(c.prompt_tokens), 0),
            coalesce(sum(c.weight * r.completion_tokens), 0)
            from attribution_contribution c join attribution_response r on r.event_id = c.event_id
            where (c.tokens > 0 or c.prompt_tokens > 0)""";
    private static final String RESPONSES = """
            count(*), coalesce(sum(r.completion_tokens), 0), coalesce(sum(r.prompt_tokens), 0),
            coalesce(sum(r.weight_sum * r.completion_tokens), 0)
            from attribution_response r
            where true""";

    @Transactional
    public List<UsageRow> run(UsageQuery q) {
        List<GroupBy> keys = q.groupBy();
        StringBuilder sql = new StringBuilder("select ");
        for (GroupBy g : keys) {
            sql.append(g.sql).append(", ");
        }
        sql.append(q.perContribution() ? CONTRIBUTIONS : RESPONSES);
        Map<String, Object> parameters = new LinkedHashMap<>();
        filter(sql, parameters, "c.expert = :expert", "expert", q.expert());
        filter(sql, parameters, "c.owner = :owner", "owner", q.owner());
        filter(sql, parameters, "r.organization = :organization", "organization", q.organization());
        filter(sql, parameters, "r.event_time >= :from", "from", q.from() == null ? null : q.from().atOffset(ZoneOffset.UTC));
        filter(sql, parameters, "r.event_time < :until", "until", q.until() == null ? null : q.until().atOffset(ZoneOffset.UTC));
        filter(sql, parameters, "r.request_id = :request_id", "request_id", q.requestId());
        if (!keys.isEmpty()) {
            String positions = IntStream.rangeClosed(1, keys.size()).mapToObj(Integer::toString)
                    .collect(Collectors.joining(", "));
            sql.append(" group by ").append(positions).append(" order by ").append(positions);
        }
        Query query = StoredResponse.getEntityManager().createNativeQuery(sql.toString());
        parameters.forEach(query::setParameter);
        List<UsageRow> rows = new ArrayList<>();
        for (Object row : query.getResultList()) {
            Object[] columns = (Object[]) row;
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                values.put(keys.get(i).key(), (String) columns[i]);
            }
            int m = keys.size();
            rows.add(new UsageRow(Collections.unmodifiableMap(values), ((Number) columns[m]).longValue(),
                    ((Number) columns[m + 1]).longValue(), ((Number) columns[m + 2]).longValue(),
                    ((Number) columns[m + 3]).doubleValue()));
        }
        return rows;
    }

    private static void filter(StringBuilder sql, Map<String, Object> parameters, String condition, String name, Object value) {
        if (value != null) {
            sql.append(" and ").append(condition);
            parameters.put(name, value);
        }
    }
}
