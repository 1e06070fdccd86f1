package io.noa.realtime.chat;

import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs SSE bytes through the real {@link SseParser}, a dialect's decoder and a
 * {@link ChunkAccumulator} the way {@link ChatStream} does: {@code [DONE]} or the dialect's end
 * rule completes, EOF ends the input, and an event cut at EOF is accepted when it holds one
 * complete JSON object.
 */
final class DialectRun implements SseParser.Handler {
    /** What a run produced. */
    record Result(StreamingMessage message, boolean endedByRule, List<StreamChunk> chunks, int eventsAfterEnd) {}

    private final Dialect dialect;
    private final ChunkDecoder decoder;
    private final ChunkAccumulator acc = new ChunkAccumulator("msg-dialect");
    private final List<StreamChunk> chunks = new ArrayList<>();
    private StreamingMessage end;
    private boolean endedByRule;
    private int eventsAfterEnd;

    private DialectRun(Dialect dialect) {
        this.dialect = dialect;
        this.decoder = dialect.newDecoder();
    }

    static Result run(Dialect dialect, String sse) {
        return run(dialect, sse.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);
    }

    static Result run(Dialect dialect, byte[] bytes, int piece) {
        DialectRun r = new DialectRun(dialect);
        SseParser parser = new SseParser(r);
        for (int off = 0; off < bytes.length; off += piece) {
            parser.feed(bytes, off, Math.min(piece, bytes.length - off));
        }
        parser.finish();
        StreamingMessage m = r.end != null ? r.end : r.acc.endOfInput();
        return new Result(m, r.endedByRule, List.copyOf(r.chunks), r.eventsAfterEnd);
    }

    static Result fixture(Dialect dialect, String name) {
        return run(dialect, TestSse.resource("dialects/" + name), Integer.MAX_VALUE);
    }

    @Override
    public void onEvent(SseEvent event) {
        if (end != null) {
            eventsAfterEnd++;
            return;
        }
        if (decoder.isEndOfStream(event.event(), event.data())) {
            end = acc.complete();
            return;
        }
        for (StreamChunk c : decoder.decode(event.event(), event.data())) {
            chunks.add(c);
            acc.accept(c);
        }
        if (dialect.endsStream(event.event())) {
            endedByRule = true;
            end = acc.complete();
        }
    }

    @Override
    public void onField(String name, String value) {
        for (StreamChunk c : decoder.decodeField(name, value)) {
            chunks.add(c);
            acc.accept(c);
        }
    }

    @Override
    public void onUnterminatedEvent(SseEvent event) {
        if (JsonValues.isCompleteObject(event.data())) {
            onEvent(event);
        }
    }
}
