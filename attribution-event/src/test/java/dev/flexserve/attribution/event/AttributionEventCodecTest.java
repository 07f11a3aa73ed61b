package dev.flexserve.attribution.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class AttributionEventCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The example of docs/attribution.md, written by hand: the wire format, independent of the encoder. */
    static final String DOCUMENTED = """
            {
              "specversion": "1.0",
              "id": "0b6a3c52-8f0e-4a47-9a55-3f4f3c1d2e10",
              "source": "urn:flexserve:router-service:router-0",
              "type": "dev.flexserve.attribution.v1",
              "time": "2026-11-25T10:15:30.250Z",
              "datacontenttype": "application/json",
              "data": {
                "request_id": "gen-5d1f0c9e-3b7a-4c41-8d2e-2a9b6f7e1c03",
                "organization": "acme",
                "subject": "5f1c9a0e-7d2b-4e8f-9c3a-1b2d3e4f5a6b",
                "model": "flexolmo",
                "trunk_version": "86374e56e1675a5fafcbd0221af9fc4dc500d7ae1e4a5d76aa21f2e81eaea8d9",
                "experts": [
                  {"expert": "public", "owner": "public", "version": "f757906d4941", "weight": 0.625, "tokens": 16, "prompt_tokens": 12},
                  {"expert": "hospital-notes", "owner": "hospital", "version": "6f16aae8d61c", "weight": 0.375, "tokens": 9, "prompt_tokens": 5},
                  {"expert": "case-law", "owner": "lawfirm", "version": "0c1d2e3f4a5b", "weight": 0.0, "tokens": 0, "prompt_tokens": 0}
                ],
                "usage": {"prompt_tokens": 12, "completion_tokens": 16, "total_tokens": 28},
                "finish_reason": "stop",
                "dropped_experts": [{"expert": "case-law", "layer": 2, "reason": "deadline_exceeded"}]
              }
            }
            """;

    static AttributionEvent documentedEvent() {
        return new AttributionEvent("0b6a3c52-8f0e-4a47-9a55-3f4f3c1d2e10", "urn:flexserve:router-service:router-0",
                Instant.parse("2026-11-25T10:15:30.250Z"), "gen-5d1f0c9e-3b7a-4c41-8d2e-2a9b6f7e1c03", "acme",
                "5f1c9a0e-7d2b-4e8f-9c3a-1b2d3e4f5a6b", "flexolmo",
                "86374e56e1675a5fafcbd0221af9fc4dc500d7ae1e4a5d76aa21f2e81eaea8d9",
                List.of(new ExpertContribution("public", "public", "f757906d4941", 0.625, 16, 12),
                        new ExpertContribution("hospital-notes", "hospital", "6f16aae8d61c", 0.375, 9, 5),
                        new ExpertContribution("case-law", "lawfirm", "0c1d2e3f4a5b", 0, 0, 0)),
                new Usage(12, 16, 28), FinishReason.STOP,
                List.of(new DroppedExpert("case-law", 2, "deadline_exceeded")));
    }

    @Test
    void theDocumentedExampleDecodesToItsEvent() throws Exception {
        assertThat(AttributionEventCodec.decode(DOCUMENTED.getBytes(StandardCharsets.UTF_8))).isEqualTo(documentedEvent());
    }

    @Test
    void encodingWritesTheDocumentedDocument() throws Exception {
        JsonNode written = JSON.readTree(AttributionEventCodec.encode(documentedEvent()));
        assertThat(written).isEqualTo(JSON.readTree(DOCUMENTED));
    }

    @Test
    void encodeThenDecodeIsTheIdentity() throws Exception {
        AttributionEvent e = new AttributionEvent("e-1", "urn:x", Instant.parse("2027-01-02T03:04:05.123456789Z"),
                "r-1", null, null, "m", "t",
                List.of(new ExpertContribution("public", "public", "v", 1.0 / 3, 3, 2),
                        new ExpertContribution("x", "o", "v", 2.0 / 3, 2, 0)),
                Usage.of(2, 3), FinishReason.CANCELLED, List.of());
        assertThat(AttributionEventCodec.decode(AttributionEventCodec.encode(e))).isEqualTo(e);
    }

    @Test
    void aTimeWithAnOffsetIsTheSameInstant() throws Exception {
        AttributionEvent e = decode(root -> root.put("time", "2026-11-25T12:15:30.250+02:00"));
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-25T10:15:30.250Z"));
    }

    @Test
    void organizationAndSubjectMayBeNull() throws Exception {
        AttributionEvent e = decode(root -> data(root).putNull("organization").putNull("subject"));
        assertThat(e.organization()).isNull();
        assertThat(e.subject()).isNull();
    }

    @Test
    void extensionAttributesAreIgnored() throws Exception {
        AttributionEvent e = decode(root -> root.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .put("dataschema", "https://flexserve.dev/schemas/attribution/v1"));
        assertThat(e).isEqualTo(documentedEvent());
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> invalid() {
        return Stream.of(
                arguments("missing data field", (Consumer<ObjectNode>) r -> data(r).remove("request_id"), "data.request_id is missing"),
                arguments("unknown data field", (Consumer<ObjectNode>) r -> data(r).put("requestId", "x"), "data.requestId is not a field"),
                arguments("unknown expert field", (Consumer<ObjectNode>) r -> expert(r, 1).put("share", 1), "data.experts[1].share is not a field"),
                arguments("unknown usage field", (Consumer<ObjectNode>) r -> ((ObjectNode) data(r).get("usage")).put("cached_tokens", 1), "data.usage.cached_tokens is not a field"),
                arguments("data field at the top level", (Consumer<ObjectNode>) r -> r.put("request_id", "x"), "request_id is not a field"),
                arguments("wrong spec version", (Consumer<ObjectNode>) r -> r.put("specversion", "0.3"), "specversion must be '1.0', got '0.3'"),
                arguments("another schema version", (Consumer<ObjectNode>) r -> r.put("type", "dev.flexserve.attribution.v2"), "type must be 'dev.flexserve.attribution.v1'"),
                arguments("not JSON data", (Consumer<ObjectNode>) r -> r.put("datacontenttype", "application/avro"), "datacontenttype must be 'application/json'"),
                arguments("missing id", (Consumer<ObjectNode>) r -> r.remove("id"), "id is missing"),
                arguments("empty id", (Consumer<ObjectNode>) r -> r.put("id", " "), "id must be a non-empty string"),
                arguments("bad time", (Consumer<ObjectNode>) r -> r.put("time", "yesterday"), "time must be an RFC 3339 timestamp"),
                arguments("time without offset", (Consumer<ObjectNode>) r -> r.put("time", "2026-11-25T10:15:30"), "time must be an RFC 3339 timestamp"),
                arguments("string for a number", (Consumer<ObjectNode>) r -> expert(r, 0).put("tokens", "16"), "data.experts[0].tokens must be an integer, got string"),
                arguments("fraction for an integer", (Consumer<ObjectNode>) r -> expert(r, 0).put("tokens", 16.5), "data.experts[0].tokens must be an integer"),
                arguments("integer beyond int", (Consumer<ObjectNode>) r -> expert(r, 0).put("tokens", 1L << 40), "data.experts[0].tokens must be an integer"),
                arguments("null model", (Consumer<ObjectNode>) r -> data(r).putNull("model"), "data.model must be a string, got null"),
                arguments("organization missing", (Consumer<ObjectNode>) r -> data(r).remove("organization"), "data.organization is missing"),
                arguments("empty organization", (Consumer<ObjectNode>) r -> data(r).put("organization", ""), "organization must be a non-empty string or null"),
                arguments("experts not an array", (Consumer<ObjectNode>) r -> data(r).put("experts", "public"), "data.experts must be an array"),
                arguments("weight above 1", (Consumer<ObjectNode>) r -> expert(r, 0).put("weight", 1.5), "data.experts[0]: weight must be a number in [0, 1], got 1.5"),
                arguments("negative tokens", (Consumer<ObjectNode>) r -> expert(r, 2).put("prompt_tokens", -1), "data.experts[2]: prompt_tokens must not be negative"),
                arguments("weights not adding up", (Consumer<ObjectNode>) r -> expert(r, 1).put("weight", 0.3), "the experts' weights must add up to 1"),
                arguments("weights without tokens", (Consumer<ObjectNode>) r -> usage(r, 12, 0), "must add up to 0 when no tokens were generated"),
                arguments("an expert twice", (Consumer<ObjectNode>) r -> expert(r, 2).put("expert", "public"), "experts lists 'public' more than once"),
                arguments("expert tokens beyond the response", (Consumer<ObjectNode>) r -> expert(r, 1).put("tokens", 17), "more than the response's completion_tokens (16)"),
                arguments("expert prompt tokens beyond the prompt", (Consumer<ObjectNode>) r -> expert(r, 1).put("prompt_tokens", 13), "more than the response's prompt_tokens (12)"),
                arguments("total that does not add up", (Consumer<ObjectNode>) r -> ((ObjectNode) data(r).get("usage")).put("total_tokens", 27), "data.usage: total_tokens must be prompt_tokens + completion_tokens (28), got 27"),
                arguments("unknown finish reason", (Consumer<ObjectNode>) r -> data(r).put("finish_reason", "timeout"), "data.finish_reason: unknown finish_reason 'timeout' (one of stop, length, error, cancelled, aborted)"),
                arguments("dropped expert without reason", (Consumer<ObjectNode>) r -> ((ObjectNode) data(r).withArray("dropped_experts").get(0)).remove("reason"), "data.dropped_experts[0].reason is missing"),
                arguments("data not an object", (Consumer<ObjectNode>) r -> r.put("data", "{}"), "data must be a JSON object, got string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidEventsFailWithTheirField(String name, Consumer<ObjectNode> change, String message) {
        assertThatThrownBy(() -> decode(change)).isInstanceOf(InvalidEventException.class).hasMessageContaining(message);
    }

    @Test
    void notJsonEmptyDuplicateKeysAndTrailingContentFail() {
        assertThatThrownBy(() -> AttributionEventCodec.decode(new byte[0])).isInstanceOf(InvalidEventException.class)
                .hasMessage("the message is empty");
        assertThatThrownBy(() -> AttributionEventCodec.decode("{\"id\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("not a JSON document");
        assertThatThrownBy(() -> AttributionEventCodec.decode("[1, 2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("must be a JSON object, got array");
        String duplicate = DOCUMENTED.replace("\"finish_reason\": \"stop\",", "\"finish_reason\": \"stop\", \"finish_reason\": \"length\",");
        assertThatThrownBy(() -> AttributionEventCodec.decode(duplicate.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("Duplicate field 'finish_reason'");
        assertThatThrownBy(() -> AttributionEventCodec.decode((DOCUMENTED + " {}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("not a JSON document");
    }

    @Test
    void theConstructorRefusesWhatTheParserRefuses() {
        assertThatThrownBy(() -> new Usage(1, 2, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExpertContribution("x", "o", "v", Double.NaN, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttributionEvent("e", "s", Instant.EPOCH, "r", "o", "s", "m", "t",
                List.of(new ExpertContribution("x", "o", "v", 0.5, 1, 0)), Usage.of(0, 1), FinishReason.STOP, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must add up to 1");
    }

    private static AttributionEvent decode(Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(DOCUMENTED);
        change.accept(root);
        return AttributionEventCodec.decode(JSON.writeValueAsBytes(root));
    }

    private static ObjectNode data(ObjectNode root) {
        return (ObjectNode) root.get("data");
    }

    private static ObjectNode expert(ObjectNode root, int i) {
        return (ObjectNode) ((ArrayNode) data(root).get("experts")).get(i);
    }

    private static ObjectNode usage(ObjectNode root, int prompt, int completion) {
        ArrayNode experts = (ArrayNode) data(root).get("experts");
        for (JsonNode x : experts) {
            ((ObjectNode) x).put("tokens", 0);
        }
        return ((ObjectNode) data(root).get("usage")).put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }
}
