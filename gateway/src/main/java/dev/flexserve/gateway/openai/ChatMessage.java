package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One chat message: {@code role} (system, developer, user or assistant) and {@code content}, a string or a list of
 * {@code {"type": "text", "text": ...}} parts.
 */
public record ChatMessage(String role, JsonNode content, String name, JsonNode toolCalls, String toolCallId, String refusal) {
}
