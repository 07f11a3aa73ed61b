package dev.flexserve.gateway.usage;

import dev.flexserve.gateway.caller.Caller;
import dev.flexserve.gateway.errors.InvalidRequestException;
import dev.flexserve.gateway.errors.PermissionDeniedException;
import org.jboss.resteasy.reactive.common.util.MultivaluedTreeMap;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every report query is bound to what its caller may read before it leaves the gateway. */
class UsageScopeTest {
    static final Caller OWNER = new Caller("hospital", "s1", Set.of(Caller.OWNER));
    static final Caller CONSUMER = new Caller("acme", "s2", Set.of(Caller.CONSUMER));
    static final Caller OPERATOR = new Caller("flexserve", "s3", Set.of(Caller.OPERATOR));

    static MultivaluedTreeMap<String, String> query(String... pairs) {
        MultivaluedTreeMap<String, String> q = new MultivaluedTreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            q.add(pairs[i], pairs[i + 1]);
        }
        return q;
    }

    @Test
    void anOwnerReadsItsOwnExpertsAndAConsumerItsOwnRequests() {
        assertThat(UsageResource.scoped(query("group_by", "organization,day"), OWNER)).isEqualTo("owner=hospital&group_by=organization%2Cday");
        assertThat(UsageResource.scoped(query("organization", "acme"), OWNER)).isEqualTo("owner=hospital&organization=acme");
        assertThat(UsageResource.scoped(query("owner", "hospital"), OWNER)).isEqualTo("owner=hospital");
        assertThat(UsageResource.scoped(query("expert", "notes"), CONSUMER)).isEqualTo("organization=acme&expert=notes");
    }

    @Test
    void namingAnotherOwnerOrOrganizationIsRefused() {
        assertThatThrownBy(() -> UsageResource.scoped(query("owner", "publisher"), OWNER)).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> UsageResource.scoped(query("organization", "globex"), CONSUMER)).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> UsageResource.scoped(query("organization", "acme", "organization", "globex"), CONSUMER))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void anOperatorReadsEverythingAndUnknownParametersAreRefused() {
        assertThat(UsageResource.scoped(query("owner", "publisher", "organization", "globex"), OPERATOR))
                .isEqualTo("organization=globex&owner=publisher");
        assertThatThrownBy(() -> UsageResource.scoped(query("tenant", "x"), OPERATOR)).isInstanceOf(InvalidRequestException.class);
    }
}
