package dev.flexserve.operator.workload;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The applied-object hash depends on what an object says, not on the order its maps were filled in. */
class AppliedHashTest {
    private static Service service(Map<String, String> labels) {
        return new ServiceBuilder().withNewMetadata().withName("expert-a").withLabels(labels).endMetadata()
                .withNewSpec().withSelector(labels).endSpec().build();
    }

    @Test
    void mapOrderDoesNotChangeTheHashButAValueDoes() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        Map<String, String> changed = new LinkedHashMap<>(ab);
        changed.put("b", "3");

        assertThat(ExpertWorkloads.appliedHash(service(ab))).isEqualTo(ExpertWorkloads.appliedHash(service(ba)));
        assertThat(ExpertWorkloads.appliedHash(service(changed))).isNotEqualTo(ExpertWorkloads.appliedHash(service(ab)));
    }
}
