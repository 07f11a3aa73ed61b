package dev.flexserve.expert.grpc;

import dev.flexserve.internalauth.InternalCredential;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Only the platform (the router) may call this expert: every gRPC call must carry the internal credential as
 * {@code authorization} metadata, or it is closed with {@code UNAUTHENTICATED} before it reaches the service. The
 * standard health service stays open for probes.
 */
@GlobalInterceptor
@ApplicationScoped
public class InternalCredentialInterceptor implements ServerInterceptor {
    /** The standard gRPC health service (grpc.health.v1), which Quarkus serves beside ours. */
    static final String HEALTH_SERVICE = "grpc.health.v1.Health";
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final InternalCredential credential;

    public InternalCredentialInterceptor(InternalCredential credential) {
        this.credential = credential;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (HEALTH_SERVICE.equals(call.getMethodDescriptor().getServiceName()) || credential.accepts(headers.get(AUTHORIZATION))) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription("expert-services accept only the platform's internal credential"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
