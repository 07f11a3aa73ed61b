package dev.flexserve.gateway.errors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The OpenAI error envelope: {@code {"error": {"message", "type", "param", "code"}}}. */
public record OpenAiError(@JsonProperty("error") Body error) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Body(@JsonProperty("message") String message, @JsonProperty("type") String type,
                       @JsonProperty("param") String param, @JsonProperty("code") String code) {
    }

    public static OpenAiError of(int status, String message, String param, String code) {
        return new OpenAiError(new Body(message, type(status), param, code));
    }

    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
