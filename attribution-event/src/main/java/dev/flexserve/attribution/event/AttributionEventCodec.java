package dev.flexserve.attribution.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The attribution event as a CloudEvents 1.0 structured-mode JSON document (snake_case data), and back.
 *
 * <p>Reading is strict, because owners are credited by these records: the envelope must say
 * {@code specversion 1.0}, type {@value #TYPE} and {@code datacontenttype application/json}; every data field must
 * be present with its type (nullable fields as {@code null}); a field the schema does not have, a duplicate key or
 * trailing content fails; the event's invariants ({@link AttributionEvent}) must hold. CloudEvents extension
 * attributes at the top level (lower-case letters and digits, such as {@code traceparent}) are allowed and ignored.
 * Every failure is an {@link InvalidEventException} whose message names the field.
 */
public final class AttributionEventCodec {
    public static final String SPEC_VERSION = "1.0";
    /** The event type; its last segment is the schema version (docs/attribution.md, "Versioning"). */
    public static final String TYPE = "dev.flexserve.attribution.v1";
    public static final String DATA_CONTENT_TYPE = "application/json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> OPTIONAL_ATTRIBUTES = Set.of("dataschema", "subject");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]+");

    private AttributionEventCodec() {
    }

    public static byte[] encode(AttributionEvent e) {
        ObjectNode root = JSON.createObjectNode()
                .put("specversion", SPEC_VERSION)
                .put("id", e.id())
                .put("source", e.source())
                .put("type", TYPE)
                .put("time", e.time().toString())
                .put("datacontenttype", DATA_CONTENT_TYPE);
        ObjectNode data = root.putObject("data")
                .put("request_id", e.requestId())
                .put("organization", e.organization())
                .put("subject", e.subject())
                .put("model", e.model())
                .put("trunk_version", e.trunkVersion());
        ArrayNode experts = data.putArray("experts");
        for (ExpertContribution x : e.experts()) {
            experts.addObject().put("expert", x.expert()).put("owner", x.owner()).put("version", x.version())
                    .put("weight", x.weight()).put("tokens", x.tokens()).put("prompt_tokens", x.promptTokens());
        }
        data.putObject("usage").put("prompt_tokens", e.usage().promptTokens())
                .put("completion_tokens", e.usage().completionTokens())
                .put("total_tokens", e.usage().totalTokens());
        data.put("finish_reason", e.finishReason().wire());
        ArrayNode dropped = data.putArray("dropped_experts");
        for (DroppedExpert d : e.droppedExperts()) {
            dropped.addObject().put("expert", d.expert()).put("layer", d.layer()).put("reason", d.reason());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public static AttributionEvent decode(byte[] bytes) throws InvalidEventException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("the message is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not a JSON document: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEventException("unreadable: " + e.getMessage());
        }
        JsonFields envelope = JsonFields.of(root, "");
        expect(envelope, "specversion", SPEC_VERSION);
        expect(envelope, "type", TYPE);
        expect(envelope, "datacontenttype", DATA_CONTENT_TYPE);
        String id = envelope.text("id");
        String source = envelope.text("source");
        Instant time = instant(envelope, "time");
        JsonFields data = envelope.object("data");
        AttributionEvent event = readData(data, id, source, time);
        data.rejectUnread(name -> false);
        envelope.rejectUnread(name -> OPTIONAL_ATTRIBUTES.contains(name) || EXTENSION_NAME.matcher(name).matches());
        return event;
    }

    private static AttributionEvent readData(JsonFields data, String id, String source, Instant time)
            throws InvalidEventException {
        String requestId = data.text("request_id");
        String organization = data.textOrNull("organization");
        String subject = data.textOrNull("subject");
        String model = data.text("model");
        String trunkVersion = data.text("trunk_version");
        var experts = data.list("experts", x -> valid(x.where(), () -> new ExpertContribution(
                x.text("expert"), x.text("owner"), x.text("version"), x.number("weight"), x.integer("tokens"),
                x.integer("prompt_tokens"))));
        JsonFields u = data.object("usage");
        Usage usage = valid(data.path("usage"), () -> new Usage(u.integer("prompt_tokens"),
                u.integer("completion_tokens"), u.integer("total_tokens")));
        u.rejectUnread(name -> false);
        String finish = data.text("finish_reason");
        FinishReason finishReason = valid(data.path("finish_reason"), () -> FinishReason.ofWire(finish));
        var dropped = data.list("dropped_experts", d -> valid(d.where(), () -> new DroppedExpert(
                d.text("expert"), d.integer("layer"), d.text("reason"))));
        return valid("data", () -> new AttributionEvent(id, source, time, requestId, organization, subject, model,
                trunkVersion, experts, usage, finishReason, dropped));
    }

    private interface Construction<T> {
        T build() throws InvalidEventException;
    }

    /** Runs a constructor; a broken invariant becomes an {@link InvalidEventException} that says where. */
    private static <T> T valid(String path, Construction<T> construction) throws InvalidEventException {
        try {
            return construction.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidEventException(path + ": " + e.getMessage());
        }
    }

    private static void expect(JsonFields envelope, String field, String expected) throws InvalidEventException {
        String value = envelope.text(field);
        if (!value.equals(expected)) {
            throw new InvalidEventException(field + " must be '" + expected + "', got '" + value + "'");
        }
    }

    private static Instant instant(JsonFields envelope, String field) throws InvalidEventException {
        String value = envelope.text(field);
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(field + " must be an RFC 3339 timestamp such as 2026-11-25T10:15:30Z, got '"
                    + value + "'");
        }
    }
}
