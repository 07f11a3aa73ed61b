package dev.flexserve.gateway.caller;

import dev.flexserve.gateway.errors.NoOrganizationException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads the {@link Caller} off an authenticated request. Keycloak writes the {@code organization} claim as a list of
 * names, or as an object keyed by name when the mapper adds ids; a caller that belongs to several organizations
 * chooses one with the {@code OpenAI-Organization} header (what the OpenAI SDKs send for their {@code organization}
 * setting), and may never name one its token does not carry.
 */
@ApplicationScoped
public class CallerResolver {
    public static final String ORGANIZATION_HEADER = "OpenAI-Organization";
    static final String CLAIM = "organization";

    public Caller resolve(SecurityIdentity identity, String organizationHeader) {
        if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw new IllegalStateException("the gateway authenticates only bearer tokens; got " + identity.getPrincipal());
        }
        Set<String> organizations = organizations(token.getClaim(CLAIM));
        String chosen = organizationHeader == null || organizationHeader.isBlank() ? null : organizationHeader.trim();
        String organization;
        if (chosen != null) {
            if (!organizations.contains(chosen)) {
                throw new NoOrganizationException("the token does not act for organization '" + chosen + "' ("
                        + ORGANIZATION_HEADER + " header)");
            }
            organization = chosen;
        } else if (organizations.size() == 1) {
            organization = organizations.iterator().next();
        } else if (organizations.isEmpty()) {
            throw new NoOrganizationException("the token carries no organization claim: FlexServe serves callers that act "
                    + "for an organization (request the 'organization' scope)");
        } else {
            throw new NoOrganizationException("the token acts for several organizations (" + String.join(", ", organizations)
                    + "); choose one with the " + ORGANIZATION_HEADER + " header");
        }
        return new Caller(organization, token.getSubject(), identity.getRoles());
    }

    static Set<String> organizations(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue v : array) {
                if (v instanceof JsonString s && !s.getString().isBlank()) {
                    out.add(s.getString());
                }
            }
        } else if (claim instanceof JsonObject object) {
            out.addAll(object.keySet());
        } else if (claim instanceof JsonString s && !s.getString().isBlank()) {
            out.add(s.getString());
        } else if (claim instanceof String s && !s.isBlank()) {
            out.add(s);
        } else if (claim instanceof Iterable<?> list) {
            for (Object o : list) {
                if (o != null && !o.toString().isBlank()) {
                    out.add(o.toString());
                }
            }
        }
        return out;
    }
}
