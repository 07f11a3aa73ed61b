package dev.flexserve.operator.workload;

import dev.flexserve.operator.crd.Expert;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The Service {@code expert-<id>} on port 8090 (gRPC and HTTP): the endpoint the router is given. */
public final class ExpertService {
    private ExpertService() {
    }

    public static Service desired(Expert expert) {
        return new ServiceBuilder()
                .withMetadata(ExpertNames.metadata(expert))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(ExpertNames.selector(expert))
                    .addNewPort().withName("http").withPort(ExpertNames.PORT).withTargetPort(new IntOrString("http"))
                        .withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }
}
