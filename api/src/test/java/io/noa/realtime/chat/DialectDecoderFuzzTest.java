package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.internal.Utf8;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target for the decoders of the event-named dialects ({@link Dialect#ANTHROPIC_MESSAGES},
 * {@link Dialect#OPENAI_RESPONSES}), which keep state across the events of one stream.
 *
 * <p>The input is read as a {@code text/event-stream} and its events are decoded in order by one
 * fresh decoder per dialect, as a chat stream does (through the byte path, and by a twin decoder
 * through the {@code String} path: both must give the same outcome event by event); then its
 * first line is taken as an event name and the rest as that event's data, after every event name
 * the dialects know. Checks:
 *
 * <ul>
 *   <li>only {@link StreamFormatException} escapes {@code decode}, never for an {@code error}
 *       event, with an excerpt of at most 200 characters; the result is never {@code null} nor
 *       holds {@code null}; an {@code error} event always gives chunks that all carry an error;
 *   <li>every public accessor of every chunk answers ({@link ChunkDecoderFuzzTest#touch});
 *       {@link Dialect#endsStream} and {@code isEndOfStream} answer for every name;
 *   <li>the chunks fold into a {@link ChunkAccumulator} (default and small bounds) that throws
 *       nothing but {@link LimitExceededException} naming {@code maxMessageChars}, and ends in a
 *       terminal state.
 * </ul>
 *
 * <p>In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/io/noa/realtime/chat/DialectDecoderFuzzTestInputs/anyStreamOnlyTypedErrors}.
 */
class DialectDecoderFuzzTest {
    private static final Dialect[] DIALECTS = {Dialect.ANTHROPIC_MESSAGES, Dialect.OPENAI_RESPONSES};
    private static final String[] NAMES = {"message", "error", "ping", "message_start", "content_block_start",
        "content_block_delta", "content_block_stop", "message_delta", "message_stop", "response.created",
        "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.done", "response.reasoning_summary_text.delta",
        "response.refusal.delta", "response.function_call_arguments.delta", "response.function_call_arguments.done",
        "response.output_item.done", "response.completed", "response.incomplete", "response.failed"};

    @FuzzTest(maxDuration = "10m")
    void anyStreamOnlyTypedErrors(byte[] input) {
        List<String[]> events = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        SseParser parser = new SseParser(new SseParser.Handler() {
            @Override
            public void onEvent(SseEvent event) {
                throw new AssertionError("bytes are handed over");
            }

            @Override
            public void onEventBytes(String id, String type, byte[] data, int offset, int length) {
                raw.add(Arrays.copyOfRange(data, offset, offset + length));
                events.add(new String[] {type, Utf8.decode(data, offset, length)}); // as the parser decodes
            }
        }, 8192, 65536);
        try {
            parser.feed(input, 0, input.length);
            parser.finish();
        } catch (LimitExceededException e) {
            // a bound of the parser: the events before it are decoded
        }
        int h = Arrays.hashCode(input);
        for (Dialect dialect : DIALECTS) {
            for (long max : new long[] {ChunkAccumulator.DEFAULT_MAX_MESSAGE_CHARS, 200 + (h & 511)}) {
                ChunkDecoder bytes = dialect.newDecoder();
                ChunkDecoder text = dialect.newDecoder();
                ChunkAccumulator acc = new ChunkAccumulator("r", max);
                boolean open = true;
                for (int i = 0; i < events.size() && open; i++) {
                    String name = events.get(i)[0];
                    byte[] data = raw.get(i);
                    assertThat(bytes.isEndOfStream(name, data, 0, data.length))
                            .isEqualTo(text.isEndOfStream(name, events.get(i)[1]));
                    dialect.endsStream(name);
                    Object a = decode(bytes, name, data);
                    Object b = decode(text, name, events.get(i)[1]);
                    assertThat(String.valueOf(a)).as("bytes and String path, event %s", name).isEqualTo(String.valueOf(b));
                    if (a instanceof List) {
                        open = fold(acc, castChunks(a));
                    }
                }
                if (open) {
                    assertThat(acc.endOfInput().state()).isNotEqualTo(StreamingMessage.State.STREAMING);
                }
            }
        }
        // the input as one event's data, after every name the dialects know
        String all = new String(input, StandardCharsets.UTF_8);
        int nl = all.indexOf('\n');
        for (Dialect dialect : DIALECTS) {
            ChunkDecoder decoder = dialect.newDecoder();
            ChunkAccumulator acc = new ChunkAccumulator("r", 300 + (h >>> 23));
            boolean open = true;
            for (String name : NAMES) {
                Object r = decode(decoder, name, all);
                if (r instanceof List && open) {
                    open = fold(acc, castChunks(r));
                }
            }
            if (nl >= 0) {
                String name = all.substring(0, nl);
                dialect.endsStream(name);
                decoder.isEndOfStream(name, all);
                Object r = decode(decoder, name, all.substring(nl + 1));
                if (r instanceof List && open) {
                    open = fold(acc, castChunks(r));
                }
            }
            if (open) {
                assertThat(acc.endOfInput().state()).isNotEqualTo(StreamingMessage.State.STREAMING);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<StreamChunk> castChunks(Object o) {
        return (List<StreamChunk>) o;
    }

    /** Folds the chunks; false once the message has ended. */
    private static boolean fold(ChunkAccumulator acc, List<StreamChunk> chunks) {
        for (StreamChunk c : chunks) {
            StreamingMessage m;
            try {
                m = acc.accept(c);
            } catch (LimitExceededException e) {
                assertThat(e.setting()).isEqualTo("maxMessageChars");
                assertThat(acc.fail(e).state()).isEqualTo(StreamingMessage.State.ERROR);
                return false;
            }
            if (m.state() != StreamingMessage.State.STREAMING) {
                assertThat(c.error()).as("only an error chunk ends the message").isPresent();
                return false;
            }
        }
        return true;
    }

    /** The chunks, or the text of the (typed) format error. */
    private static Object decode(ChunkDecoder decoder, String name, Object data) {
        List<StreamChunk> chunks;
        try {
            chunks = data instanceof byte[]
                    ? decoder.decode(name, (byte[]) data, 0, ((byte[]) data).length)
                    : decoder.decode(name, (String) data);
        } catch (StreamFormatException e) {
            assertThat(name).as("an error event is never a format error").isNotEqualTo("error");
            assertThat(e.excerpt().length()).as("excerpt length").isLessThanOrEqualTo(200);
            return "StreamFormatException: " + e.getMessage();
        }
        assertThat(chunks).as("decode(%s)", name).isNotNull().doesNotContainNull();
        if ("error".equals(name)) {
            assertThat(chunks).as("event: error").isNotEmpty().allSatisfy(c -> assertThat(c.error()).isPresent());
        }
        for (StreamChunk c : chunks) {
            ChunkDecoderFuzzTest.touch(c);
        }
        return chunks;
    }
}
