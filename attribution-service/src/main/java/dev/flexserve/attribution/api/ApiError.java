package dev.flexserve.attribution.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The OpenAI error envelope: {@code {"error": {"message", "type", "param", "code"}}}. */
public record ApiError(Body error) {
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Body(String message, String type, String param, String code) {
    }

    public static ApiError of(int status, String message, String param) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
        return new ApiError(new Body(message, type, param, null));
    }
}
