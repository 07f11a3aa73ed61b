package dev.flexserve.gateway.quota;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests and tokens per minute for each organization, as token buckets that refill continuously (a bucket holds at
 * most one minute's allowance). A request is admitted when the organization has a request left and its token bucket
 * is not in debt; the tokens it used (prompt plus completion) are charged when it ends, so one request may take the
 * bucket below zero, which then holds back the next requests until it has refilled. A request the platform refuses
 * (4xx before generating) is given back: refusals cost nothing. Counters are cumulative, for operators.
 */
@ApplicationScoped
public class QuotaLimiter {
    private static final long NANOS_PER_MINUTE = 60_000_000_000L;

    private final QuotaSettings settings;
    private final LongSupplier clock;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    @Inject
    public QuotaLimiter(QuotaSettings settings) {
        this(settings, System::nanoTime);
    }

    QuotaLimiter(QuotaSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** One organization's quota as {@code GET /v1/quotas} and the {@code x-ratelimit-*} headers show it. */
    public record Standing(@JsonProperty("organization") String organization,
                           @JsonProperty("requests_per_minute") long requestsPerMinute,
                           @JsonProperty("tokens_per_minute") long tokensPerMinute,
                           @JsonProperty("remaining_requests") long remainingRequests,
                           @JsonProperty("remaining_tokens") long remainingTokens,
                           @JsonProperty("requests_total") long requestsTotal,
                           @JsonProperty("tokens_total") long tokensTotal,
                           @JsonProperty("rejected_total") long rejectedTotal) {
    }

    /**
     * Admits one request of {@code organization} or refuses it.
     *
     * @throws QuotaExceededException with the seconds until the organization has room again
     */
    public Standing admit(String organization) {
        return account(organization).admit(organization);
    }

    /** Charges the tokens a finished request used. */
    public void charge(String organization, long tokens) {
        account(organization).charge(tokens);
    }

    /** Gives back the request of an admitted call the platform then refused. */
    public void refund(String organization) {
        account(organization).refund();
    }

    public Standing standing(String organization) {
        return account(organization).standing(organization);
    }

    /** Every organization that has called since the gateway started, by name. */
    public List<Standing> all() {
        return accounts.keySet().stream().sorted().map(this::standing).toList();
    }

    private Account account(String organization) {
        return accounts.computeIfAbsent(organization, o -> {
            QuotaSettings.OrganizationLimits own = settings.organizations().get(o);
            long rpm = own == null ? settings.defaults().requestsPerMinute() : own.requestsPerMinute().orElse(settings.defaults().requestsPerMinute());
            long tpm = own == null ? settings.defaults().tokensPerMinute() : own.tokensPerMinute().orElse(settings.defaults().tokensPerMinute());
            return new Account(rpm, tpm, clock.getAsLong());
        });
    }

    private final class Account {
        final long requestsPerMinute;
        final long tokensPerMinute;
        double requests;
        double tokens;
        long refilledAt;
        long requestsTotal;
        long tokensTotal;
        long rejectedTotal;

        Account(long requestsPerMinute, long tokensPerMinute, long now) {
            this.requestsPerMinute = requestsPerMinute;
            this.tokensPerMinute = tokensPerMinute;
            this.requests = requestsPerMinute;
            this.tokens = tokensPerMinute;
            this.refilledAt = now;
        }

        synchronized Standing admit(String organization) {
            refill();
            if (requests < 1) {
                rejectedTotal++;
                throw new QuotaExceededException(organization, "requests", requestsPerMinute, secondsUntil(1 - requests, requestsPerMinute));
            }
            if (tokens <= 0) {
                rejectedTotal++;
                throw new QuotaExceededException(organization, "tokens", tokensPerMinute, secondsUntil(1 - tokens, tokensPerMinute));
            }
            requests -= 1;
            requestsTotal++;
            return standing(organization);
        }

        synchronized void charge(long used) {
            refill();
            tokens -= used;
            tokensTotal += used;
        }

        synchronized void refund() {
            refill();
            requests = Math.min(requestsPerMinute, requests + 1);
            requestsTotal--;
        }

        synchronized Standing standing(String organization) {
            refill();
            return new Standing(organization, requestsPerMinute, tokensPerMinute, (long) Math.floor(requests),
                    (long) Math.floor(tokens), requestsTotal, tokensTotal, rejectedTotal);
        }

        private void refill() {
            long now = clock.getAsLong();
            double minutes = (now - refilledAt) / (double) NANOS_PER_MINUTE;
            refilledAt = now;
            requests = Math.min(requestsPerMinute, requests + minutes * requestsPerMinute);
            tokens = Math.min(tokensPerMinute, tokens + minutes * tokensPerMinute);
        }

        private long secondsUntil(double missing, long perMinute) {
            return Math.max(1, (long) Math.ceil(missing * 60.0 / perMinute));
        }
    }
}
