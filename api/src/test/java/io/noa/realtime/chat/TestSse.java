package io.noa.realtime.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only stand-in for the real {@code io.noa.realtime.sse.SseParser}: a tiny byte-level SSE reader
 * (CR, LF, CRLF, BOM, comments, multi-line data, unknown fields, no dispatch of an unterminated event
 * at EOF) plus the driver that feeds a {@link ChunkDecoder} and a {@link ChunkAccumulator} the way a
 * chat stream does. Kept in one class so it can be swapped for the real parser later.
 */
final class TestSse {

    /** What the reader produces. */
    interface Item {}

    /** A dispatched event. */
    record Event(String name, String data) implements Item {}

    /** A comment line (without the colon). */
    record Comment(String text) implements Item {}

    /** A field the SSE format does not know (e.g. llama.cpp's {@code error:}). */
    record Field(String name, String value) implements Item {}

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<Item> out = new ArrayList<>();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventName = "";
    private boolean lastWasCr;
    private boolean firstLine = true;

    /** Feeds bytes (may split lines and UTF-8 characters anywhere); returns the items completed. */
    List<Item> feed(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\r' || b == '\n') {
                line(new String(line.toByteArray(), StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
        List<Item> done = new ArrayList<>(out);
        out.clear();
        return done;
    }

    private void line(String l) {
        if (firstLine) {
            firstLine = false;
            if (l.startsWith("\uFEFF")) {
                l = l.substring(1);
            }
        }
        if (l.isEmpty()) {
            if (hasData) {
                out.add(new Event(eventName.isEmpty() ? "message" : eventName, data.toString()));
            }
            data.setLength(0);
            hasData = false;
            eventName = "";
            return;
        }
        if (l.startsWith(":")) {
            out.add(new Comment(l.substring(1)));
            return;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data":
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
                break;
            case "event":
                eventName = value;
                break;
            case "id":
            case "retry":
                break;
            default:
                out.add(new Field(field, value));
        }
    }

    /** What a chat stream made of some bytes. */
    record Result(StreamingMessage message, boolean sawDone, int comments, int chunks, int ignoredEvents,
            int itemsLeftAfterDone) {}

    /** Runs the whole pipeline over {@code bytes}, fed in pieces of {@code piece} bytes. */
    static Result run(byte[] bytes, int piece) {
        return run(bytes, piece, ChunkDecoder.openAi(), new ChunkAccumulator("msg-test"));
    }

    static Result run(byte[] bytes, int piece, ChunkDecoder decoder, ChunkAccumulator acc) {
        TestSse reader = new TestSse();
        List<Item> items = new ArrayList<>();
        for (int off = 0; off < bytes.length; off += piece) {
            items.addAll(reader.feed(bytes, off, Math.min(piece, bytes.length - off)));
        }
        int comments = 0;
        int chunks = 0;
        int ignored = 0;
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            List<StreamChunk> decoded = List.of();
            if (item instanceof Comment) {
                comments++;
            } else if (item instanceof Field f) {
                decoded = decoder.decodeField(f.name(), f.value());
            } else if (item instanceof Event e) {
                if (decoder.isEndOfStream(e.name(), e.data())) {
                    return new Result(acc.complete(), true, comments, chunks, ignored, items.size() - i - 1);
                }
                decoded = decoder.decode(e.name(), e.data());
                if (decoded.isEmpty()) {
                    ignored++;
                }
            }
            for (StreamChunk c : decoded) {
                chunks++;
                acc.accept(c);
            }
        }
        return new Result(acc.endOfInput(), false, comments, chunks, ignored, 0);
    }

    static byte[] resource(String name) {
        try (InputStream in = TestSse.class.getResourceAsStream("/chat-streams/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a fixture from {@code src/test/resources/chat-streams}. */
    static Result fixture(String name) {
        return run(resource(name), Integer.MAX_VALUE);
    }
}
