package dev.flexserve.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexserve.gateway.errors.InvalidRequestException;

import java.util.List;

/**
 * How chat messages become one prompt. The demo models are base models trained on plain English text, not chat
 * models, so the template is plain text too, a transcript the model can continue:
 *
 * <pre>
 * {system and developer messages, each followed by a blank line}
 * User: {content}
 * Assistant: {content}
 * ...
 * Assistant:
 * </pre>
 *
 * Generation stops before the model starts the next user turn ({@link #NEXT_TURN}, added to the request's stop
 * sequences when there is room for it). Content is a string or a list of text parts; other parts are refused.
 */
final class ChatTemplate {
    static final String NEXT_TURN = "\nUser:";

    private ChatTemplate() {
    }

    static String render(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequestException("messages", "missing_required_parameter", "'messages' must hold at least one message");
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String param = "messages[" + i + "]";
            if (m == null || m.role() == null) {
                throw new InvalidRequestException(param + ".role", "missing_required_parameter", "every message needs a 'role'");
            }
            if (m.toolCalls() != null && !m.toolCalls().isNull() || m.toolCallId() != null) {
                throw InvalidRequestException.unsupported(param, "this model does not call tools");
            }
            String text = text(m.content(), param);
            switch (m.role()) {
                case "system", "developer" -> prompt.append(text).append("\n\n");
                case "user" -> prompt.append("User: ").append(text).append('\n');
                case "assistant" -> prompt.append("Assistant: ").append(text).append('\n');
                default -> throw new InvalidRequestException(param + ".role", "invalid_value", "role '" + m.role()
                        + "' is not supported (system, developer, user, assistant)");
            }
        }
        return prompt.append("Assistant:").toString();
    }

    private static String text(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            throw new InvalidRequestException(param + ".content", "missing_required_parameter", "every message needs 'content'");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw InvalidRequestException.unsupported(param + ".content", "only text parts are understood");
                }
                b.append(part.get("text").asText());
            }
            return b.toString();
        }
        throw new InvalidRequestException(param + ".content", "invalid_type", "'content' must be a string or a list of text parts");
    }
}
