package dev.flexserve.gateway.quota;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token buckets per organization, on a clock the test moves. */
class QuotaLimiterTest {
    static final long SECOND = 1_000_000_000L;
    final AtomicLong now = new AtomicLong(0);

    QuotaLimiter limiter(long rpm, long tpm, Map<String, QuotaSettings.OrganizationLimits> overrides) {
        return new QuotaLimiter(new QuotaSettings() {
            @Override
            public Limits defaults() {
                return new Limits() {
                    @Override
                    public long requestsPerMinute() {
                        return rpm;
                    }

                    @Override
                    public long tokensPerMinute() {
                        return tpm;
                    }
                };
            }

            @Override
            public Map<String, OrganizationLimits> organizations() {
                return overrides;
            }
        }, now::get);
    }

    @Test
    void requestsPerMinuteRefuseTheNextRequestAndSayWhenToRetry() {
        QuotaLimiter q = limiter(2, 1000, Map.of());
        q.admit("acme");
        q.admit("acme");
        assertThatThrownBy(() -> q.admit("acme")).isInstanceOfSatisfying(QuotaExceededException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(30));
        q.admit("globex");
        now.addAndGet(30 * SECOND);
        assertThat(q.admit("acme").remainingRequests()).isZero();
        assertThat(q.standing("acme").rejectedTotal()).isEqualTo(1);
        assertThat(q.standing("acme").requestsTotal()).isEqualTo(3);
    }

    @Test
    void tokensAreChargedAfterTheRequestAndADebtHoldsBackTheNext() {
        QuotaLimiter q = limiter(100, 600, Map.of());
        q.admit("acme");
        q.charge("acme", 900);
        assertThat(q.standing("acme").remainingTokens()).isEqualTo(-300);
        assertThatThrownBy(() -> q.admit("acme")).isInstanceOf(QuotaExceededException.class).hasMessageContaining("tokens");
        now.addAndGet(31 * SECOND);
        q.admit("acme");
        assertThat(q.standing("acme").tokensTotal()).isEqualTo(900);
    }

    @Test
    void aRefusedRequestIsGivenBack() {
        QuotaLimiter q = limiter(1, 1000, Map.of());
        q.admit("acme");
        q.refund("acme");
        assertThat(q.standing("acme").requestsTotal()).isZero();
        q.admit("acme");
    }

    @Test
    void organizationsHaveTheirOwnLimits() {
        QuotaSettings.OrganizationLimits big = new QuotaSettings.OrganizationLimits() {
            @Override
            public Optional<Long> requestsPerMinute() {
                return Optional.of(10L);
            }

            @Override
            public Optional<Long> tokensPerMinute() {
                return Optional.empty();
            }
        };
        QuotaLimiter q = limiter(1, 500, Map.of("acme", big));
        assertThat(q.standing("acme").requestsPerMinute()).isEqualTo(10);
        assertThat(q.standing("acme").tokensPerMinute()).isEqualTo(500);
        assertThat(q.standing("globex").requestsPerMinute()).isEqualTo(1);
        assertThat(q.all()).extracting(QuotaLimiter.Standing::organization).containsExactly("acme", "globex");
    }
}
