package dev.flexserve.gateway.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.util.Map;
import java.util.Optional;

/**
 * Per-organization quotas (prefix {@code flexserve.gateway.quota}): the defaults, and overrides per organization,
 * e.g. {@code flexserve.gateway.quota.organizations.acme.tokens-per-minute=50000}.
 */
@ConfigMapping(prefix = "flexserve.gateway.quota")
public interface QuotaSettings {
    @WithParentName
    Limits defaults();

    Map<String, OrganizationLimits> organizations();

    interface Limits {
        @WithDefault("600")
        long requestsPerMinute();

        @WithDefault("200000")
        long tokensPerMinute();
    }

    interface OrganizationLimits {
        Optional<Long> requestsPerMinute();

        Optional<Long> tokensPerMinute();
    }
}
