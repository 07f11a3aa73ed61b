package dev.flexserve.attribution.api;

import dev.flexserve.attribution.report.GroupBy;
import dev.flexserve.attribution.report.UsageRow;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UsageCsvTest {

    @Test
    void valuesWithCommasQuotesAndLineBreaksAreQuotedAndNullIsEmpty() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("organization", "Acme, Inc. \"East\"");
        a.put("expert", "x");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("organization", null);
        b.put("expert", "two\nlines");
        String csv = UsageCsv.write(List.of(GroupBy.ORGANIZATION, GroupBy.EXPERT),
                List.of(new UsageRow(a, 2, 30, 4, 12.5), new UsageRow(b, 1, 0, 3, 0)));
        assertThat(csv).isEqualTo("organization,expert,requests,tokens,prompt_tokens,weight_tokens\r\n"
                + "\"Acme, Inc. \"\"East\"\"\",x,2,30,4,12.5\r\n"
                + ",\"two\nlines\",1,0,3,0.0\r\n");
    }
}
