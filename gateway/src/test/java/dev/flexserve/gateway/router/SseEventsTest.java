package dev.flexserve.gateway.router;

import io.vertx.mutiny.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseEventsTest {

    @Test
    void eventsSplitAnywhereEvenInsideACharacterComeOutWhole() {
        byte[] stream = "data: {\"text\": \"é\"}\n\ndata:[DONE]\r\n\r\n: comment\n\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < stream.length; cut++) {
            SseEvents events = new SseEvents();
            List<String> out = new ArrayList<>(events.feed(Buffer.buffer(Arrays.copyOfRange(stream, 0, cut))));
            out.addAll(events.feed(Buffer.buffer(Arrays.copyOfRange(stream, cut, stream.length))));
            assertThat(out).as("cut at byte %d", cut).containsExactly("{\"text\": \"é\"}", "[DONE]");
        }
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() {
        assertThat(new SseEvents().feed(Buffer.buffer("data: a\ndata: b\n\n"))).containsExactly("a\nb");
    }
}
