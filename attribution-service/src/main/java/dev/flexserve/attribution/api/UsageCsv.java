package dev.flexserve.attribution.api;

import dev.flexserve.attribution.report.GroupBy;
import dev.flexserve.attribution.report.UsageRow;

import java.util.List;

/** A usage report as RFC 4180 CSV: a header row (the group_by keys, then the measures), then one line per row. */
final class UsageCsv {
    private UsageCsv() {
    }

    static String write(List<GroupBy> keys, List<UsageRow> rows) {
        StringBuilder out = new StringBuilder();
        for (GroupBy k : keys) {
            out.append(k.key()).append(',');
        }
        out.append(String.join(",", UsageResource.MEASURES)).append("\r\n");
        for (UsageRow r : rows) {
            for (GroupBy k : keys) {
                out.append(field(r.keys().get(k.key()))).append(',');
            }
            out.append(r.requests()).append(',').append(r.tokens()).append(',').append(r.promptTokens()).append(',')
                    .append(r.weightTokens()).append("\r\n");
        }
        return out.toString();
    }

    /** A value as a CSV field: quoted when it holds a comma, a quote or a line break; null is empty. */
    private static String field(String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
