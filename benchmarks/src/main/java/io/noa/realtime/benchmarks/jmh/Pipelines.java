package io.noa.realtime.benchmarks.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.benchmarks.OpenAiStream;
import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.ChunkAccumulator;
import io.noa.realtime.chat.ChunkDecoder;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The code the benchmarks measure, kept here so that a unit test can check it produces the right
 * content and event counts: the SDK's parse-only and full paths, and the two baselines a Java user
 * would hand-roll. Every path reads the stream through {@link OpenAiStream#open()} in socket-sized
 * slices, so none of them gets a whole-stream array the others lack.
 */
public final class Pipelines {
    private Pipelines() {}

    /** How the parse-only path hands slices to the parser. */
    public enum Input {
        /** {@link SseParser#feed(byte[], int, int)} with one reused array. */
        ARRAY,
        /** {@link SseParser#feed(ByteBuffer)} with one reused heap buffer. */
        BUFFER
    }

    /**
     * Reads {@code in} in slices of {@code slice} bytes (what a socket read would hand over) and
     * passes each slice to {@code sink}.
     */
    interface SliceSink {
        /**
         * One slice.
         *
         * @param bytes the reused array
         * @param length how many bytes of it are valid
         */
        void accept(byte[] bytes, int length);
    }

    static void slices(InputStream in, int slice, SliceSink sink) {
        byte[] buf = new byte[slice];
        try (in) {
            for (int n = in.read(buf, 0, slice); n > 0; n = in.read(buf, 0, slice)) {
                sink.accept(buf, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the events and the characters of their data (so nothing can be optimised away). */
    static final class CountingHandler implements SseParser.Handler {
        long events;
        long chars;

        @Override
        public void onEvent(SseEvent event) {
            events++;
            chars += event.data().length();
        }
    }

    /**
     * Parse only: the SDK's SSE parser over the stream, handler counting events.
     *
     * @param stream the stream
     * @param slice the slice size in bytes
     * @param input array or buffer feeding
     * @return the number of events, {@code [DONE]} included
     */
    public static long parseOnly(OpenAiStream stream, int slice, Input input) {
        CountingHandler handler = new CountingHandler();
        SseParser parser = new SseParser(handler);
        if (input == Input.ARRAY) {
            slices(stream.open(), slice, (bytes, n) -> parser.feed(bytes, 0, n));
        } else {
            ByteBuffer[] buffer = new ByteBuffer[1];
            slices(stream.open(), slice, (bytes, n) -> {
                ByteBuffer b = buffer[0];
                if (b == null || b.array() != bytes) {
                    b = ByteBuffer.wrap(bytes);
                    buffer[0] = b;
                }
                b.clear().limit(n);
                parser.feed(b);
            });
        }
        parser.finish();
        return handler.events;
    }

    /** Decodes and accumulates like the SDK's chat stream does for each parsed event. */
    static final class ChatHandler implements SseParser.Handler {
        private final ChunkDecoder decoder = ChunkDecoder.openAi();
        private final ChunkAccumulator accumulator;
        long events;
        boolean allFinished;
        StreamingMessage last;

        ChatHandler(String messageId) {
            accumulator = new ChunkAccumulator(messageId);
        }

        /** The SDK's chat path: the event's bytes straight to the decoder, no String per event. */
        @Override
        public void onEventBytes(String id, String type, byte[] data, int offset, int length) {
            events++;
            if (decoder.isEndOfStream(type, data, offset, length)) {
                last = accumulator.complete();
                return;
            }
            List<StreamChunk> chunks = decoder.decode(type, data, offset, length);
            for (int i = 0; i < chunks.size(); i++) {
                last = accumulator.accept(chunks.get(i));
            }
            allFinished = accumulator.allChoicesFinished();
        }

        @Override
        public void onEvent(SseEvent event) {
            events++;
            if (decoder.isEndOfStream(event.event(), event.data())) {
                last = accumulator.complete();
                return;
            }
            List<StreamChunk> chunks = decoder.decode(event.event(), event.data());
            for (int i = 0; i < chunks.size(); i++) {
                last = accumulator.accept(chunks.get(i));
            }
            allFinished = accumulator.allChoicesFinished();
        }
    }

    /**
     * The SDK's full path: parse, decode, accumulate (one snapshot per chunk, as the SDK builds
     * them), completed at {@code [DONE]}.
     *
     * @param stream the stream
     * @param slice the slice size in bytes
     * @return the final snapshot
     */
    public static StreamingMessage full(OpenAiStream stream, int slice) {
        ChatHandler handler = new ChatHandler("bench");
        SseParser parser = new SseParser(handler);
        slices(stream.open(), slice, (bytes, n) -> parser.feed(bytes, 0, n));
        parser.finish();
        return handler.last;
    }

    /**
     * An SSE body in which a model calls one function and streams its arguments: a first chunk
     * with the call's id, type and name, then {@code fragments} chunks that each carry one
     * fragment of the arguments (as OpenAI sends them), a last chunk with
     * {@code finish_reason: "tool_calls"}, and {@code [DONE]}.
     *
     * @param fragments the argument fragments
     * @return the body
     */
    static byte[] toolCallStream(int fragments) {
        String head = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":";
        StringBuilder b = new StringBuilder(head).append("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,")
                .append("\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},")
                .append("\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < fragments; i++) {
            b.append(head).append("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"")
                    .append(TOOL_ARGUMENT_PARTS[i % TOOL_ARGUMENT_PARTS.length])
                    .append("\"}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        b.append(head).append("{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The fragments {@link #toolCallStream} repeats, as JSON string contents (escaped). */
    static final String[] TOOL_ARGUMENT_PARTS = {"{\\\"", "loc", "ation", "\\\":", " \\\"", "Par", "is", "\\\", ",
        "\\\"unit\\\": \\\"celsius\\\"}"};

    /**
     * A chat over {@code transport} (the benchmarks' {@link MemoryTransport}).
     *
     * @param transport the transport
     * @return the chat
     */
    static StreamingChat chat(io.noa.realtime.spi.Transport transport) {
        return StreamingChat.builder(java.net.URI.create("http://127.0.0.1:9/v1/chat/completions"))
                .transport(transport).model("gpt-4o-mini").build();
    }

    /**
     * One answer through the SDK's public path: {@code send(request).result()}, then forgotten.
     *
     * @param chat the chat
     * @return the final message
     * @throws Exception if the answer fails
     */
    static StreamingMessage chatResult(StreamingChat chat) throws Exception {
        ChatCall call = chat.send(ChatRequest.builder().messages(List.of(Message.user("Tell me everything."))).build());
        try {
            return call.result().get(5, java.util.concurrent.TimeUnit.MINUTES);
        } finally {
            chat.forget(call.id());
        }
    }

    /**
     * Baseline a Java user would write for parsing only: {@link BufferedReader#readLine()} and strip
     * {@code "data:"}, one event per data line.
     *
     * @param stream the stream
     * @return the number of data lines, {@code [DONE]} included
     */
    public static long readLineStrip(OpenAiStream stream) {
        long events = 0;
        long chars = 0;
        try (BufferedReader reader = reader(stream)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data:")) {
                    String data = line.substring(line.startsWith("data: ") ? 6 : 5);
                    chars += data.length();
                    events++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return chars >= 0 ? events : -1;
    }

    /**
     * Baseline a Java user would write for the whole job: {@link BufferedReader#readLine()}, strip
     * {@code "data:"}, {@link ObjectMapper#readTree(String)} and append
     * {@code choices[0].delta.content} to a {@link StringBuilder}.
     *
     * @param stream the stream
     * @param mapper the shared mapper
     * @return the accumulated content
     */
    public static String readLineJackson(OpenAiStream stream, ObjectMapper mapper) {
        StringBuilder content = new StringBuilder();
        try (BufferedReader reader = reader(stream)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                String data = line.substring(line.startsWith("data: ") ? 6 : 5);
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonNode text = mapper.readTree(data).path("choices").path(0).path("delta").get("content");
                if (text != null && text.isTextual()) {
                    content.append(text.textValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return content.toString();
    }

    private static BufferedReader reader(OpenAiStream stream) {
        return new BufferedReader(new InputStreamReader(stream.open(), StandardCharsets.UTF_8), 8192);
    }

    /**
     * The data of event {@code i} of the stream: its bytes without {@code "data: "} and the blank
     * line.
     *
     * @param stream the stream
     * @param i the event's position
     * @return the payload
     */
    public static String payload(OpenAiStream stream, int i) {
        byte[] e = stream.event(i);
        return new String(e, 6, e.length - 8, StandardCharsets.UTF_8);
    }
}
