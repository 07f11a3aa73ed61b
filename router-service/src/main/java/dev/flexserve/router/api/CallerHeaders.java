package dev.flexserve.router.api;

import dev.flexserve.router.access.Caller;
import jakarta.ws.rs.core.HttpHeaders;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The caller's identity as the gateway forwards it with every request (the gateway sets these from the validated
 * token and drops any the client sent). A request without {@link #SUBJECT} comes from the platform itself.
 */
public final class CallerHeaders {
    public static final String ORGANIZATION = "X-FlexServe-Organization";
    public static final String SUBJECT = "X-FlexServe-Subject";
    public static final String ROLES = "X-FlexServe-Roles";
    public static final String REQUEST_ID = "X-Request-Id";

    private CallerHeaders() {
    }

    public static Caller caller(HttpHeaders headers) {
        String subject = blankToNull(headers.getHeaderString(SUBJECT));
        if (subject == null) {
            return Caller.PLATFORM;
        }
        String roles = headers.getHeaderString(ROLES);
        Set<String> set = roles == null ? Set.of()
                : Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).collect(Collectors.toSet());
        return new Caller(blankToNull(headers.getHeaderString(ORGANIZATION)), subject, set);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
