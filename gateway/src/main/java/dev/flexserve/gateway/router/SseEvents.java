package dev.flexserve.gateway.router;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a server-sent-event byte stream into the {@code data} of each event (lines of one event joined by
 * {@code \n}, as the SSE specification says). Chunks may end anywhere, even inside a UTF-8 character: bytes are
 * kept until a line is complete.
 */
final class SseEvents {
    private byte[] pending = new byte[0];
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    Multi<String> data(Multi<Buffer> chunks) {
        return chunks.onItem().transformToIterable(this::feed);
    }

    /** The events completed by {@code chunk}. */
    List<String> feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        byte[] all = new byte[pending.length + bytes.length];
        System.arraycopy(pending, 0, all, 0, pending.length);
        System.arraycopy(bytes, 0, all, pending.length, bytes.length);
        List<String> events = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
                line(new String(all, start, end - start, StandardCharsets.UTF_8), events);
                start = i + 1;
            }
        }
        pending = java.util.Arrays.copyOfRange(all, start, all.length);
        return events;
    }

    private void line(String line, List<String> events) {
        if (line.isEmpty()) {
            if (hasData) {
                events.add(data.toString());
            }
            data.setLength(0);
            hasData = false;
        } else if (line.startsWith("data:")) {
            String value = line.substring(5);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        }
    }
}
