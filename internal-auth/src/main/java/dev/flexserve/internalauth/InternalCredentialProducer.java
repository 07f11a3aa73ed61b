package dev.flexserve.internalauth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The installation's credential from {@code flexserve.internal.secret} (required: a service without it does not start). */
@ApplicationScoped
public class InternalCredentialProducer {

    @Produces
    @ApplicationScoped
    InternalCredential credential(@ConfigProperty(name = "flexserve.internal.secret") String secret) {
        return new InternalCredential(secret);
    }
}
