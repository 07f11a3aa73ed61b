package dev.flexserve.gateway.operations;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {
    static final String TEXT = """
            # HELP flexserve_requests_running
            # TYPE flexserve_requests_running gauge
            flexserve_requests_running 3.0
            flexserve_expert_requests_total{expert="code",outcome="ok",owner="demo-code-owner"} 40.0
            flexserve_expert_requests_total{expert="code",outcome="unavailable",owner="demo-code-owner"} 2.0
            flexserve_expert_requests_total{expert="math",outcome="ok",owner="demo-math-owner"} 7.0
            flexserve_ttft_seconds_bucket{le="0.001"} 1.0
            flexserve_ttft_seconds_bucket{le="0.01"} 6.0
            flexserve_ttft_seconds_bucket{le="0.1"} 9.0
            flexserve_ttft_seconds_bucket{le="+Inf"} 10.0
            flexserve_ttft_seconds_count 10.0
            flexserve_ttft_seconds_sum 0.5
            odd_line_without_value
            label_with_quote{path="a\\"b,c"} 1.5
            """;

    @Test
    void readsGaugesAndCountersWithTheirLabels() {
        PrometheusText m = PrometheusText.parse(TEXT);
        assertThat(m.sum("flexserve_requests_running")).isEqualTo(3.0);
        assertThat(m.sum("flexserve_expert_requests_total")).isEqualTo(49.0);
        assertThat(m.samples("flexserve_expert_requests_total")).extracting(s -> s.labels().get("expert"))
                .containsExactly("code", "code", "math");
        assertThat(m.samples("label_with_quote").get(0).labels().get("path")).isEqualTo("a\"b,c");
        assertThat(m.has("odd_line_without_value")).isFalse();
    }

    @Test
    void quantilesAreTheUpperBoundOfTheBucketHoldingThem() {
        PrometheusText m = PrometheusText.parse(TEXT);
        assertThat(m.quantile("flexserve_ttft_seconds", 0.5)).isEqualTo(0.01);
        assertThat(m.quantile("flexserve_ttft_seconds", 0.9)).isEqualTo(0.1);
        // The last observation lies beyond every finite bucket: no bound can be given.
        assertThat(m.quantile("flexserve_ttft_seconds", 0.99)).isNull();
        assertThat(m.quantile("flexserve_none", 0.5)).isNull();
    }

    @Test
    void anExpertEndpointIsReadAsTheHttpAddressOfItsService() {
        assertThat(OperationsResource.httpBase("127.0.0.1:9101")).hasToString("http://127.0.0.1:9101/");
        assertThat(OperationsResource.httpBase("local")).isNull();
        assertThat(OperationsResource.httpBase("host:notaport")).isNull();
    }
}
