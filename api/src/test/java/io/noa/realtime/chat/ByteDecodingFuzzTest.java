package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.noa.realtime.internal.Utf8;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Differential fuzz target for the byte-native chat path: {@link SseParser.Handler#onEventBytes}
 * handing the parser's own buffer to {@link ChunkDecoder#decode(String, byte[], int, int)} (the
 * OpenAI decoder reads it with a {@link ReusedJsonParser} kept across events) must give exactly
 * what the {@code String} path gives for the decoded text: the same chunks, or the same exception
 * (class and message), and the same {@link ChunkDecoder#isEndOfStream} answer, for any input.
 *
 * <p>The input is read three ways: as a {@code text/event-stream} (every event the parser
 * dispatches is compared where it lies in the parser's buffer); as one event's data at an offset
 * inside a larger array whose surrounding bytes must not be read, under the names {@code null},
 * {@code message}, {@code error} and {@code ping}; and, after each of them, a well-formed chunk
 * must still decode to itself on the same thread (a reused parser left in a bad state by the
 * input would show there). Both the default decoder and one with tight Jackson read constraints.
 *
 * <p>In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/io/noa/realtime/chat/ByteDecodingFuzzTestInputs/bytePathDecodesLikeTheStringPath}.
 */
class ByteDecodingFuzzTest {
    private static final ChunkDecoder TIGHT = ChunkDecoder.openAi(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxStringLength(64).maxNumberLength(8).build())
            .build());
    private static final List<ChunkDecoder> DECODERS = List.of(ChunkDecoder.openAi(), TIGHT);
    private static final byte[] GOOD = ("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final List<StreamChunk> GOOD_CHUNKS = ChunkDecoder.openAi()
            .decode("message", new String(GOOD, StandardCharsets.UTF_8));

    @FuzzTest(maxDuration = "10m")
    void bytePathDecodesLikeTheStringPath(byte[] input) {
        // 1. as a stream: the bytes the parser hands over, where they lie in its buffer
        for (ChunkDecoder decoder : DECODERS) {
            SseParser parser = new SseParser(new SseParser.Handler() {
                @Override
                public void onEvent(SseEvent event) {
                    throw new AssertionError("the parser must hand its bytes to a handler that reads them");
                }

                @Override
                public void onEventBytes(String id, String type, byte[] data, int offset, int length) {
                    compare(decoder, type, data, offset, length);
                }
            }, 4096, 16384);
            try {
                parser.feed(input, 0, input.length);
                parser.finish();
            } catch (io.noa.realtime.LimitExceededException e) {
                // a bound of the parser; the events before it were compared
            }
            stillRight(decoder);
        }
        // 2. as one event's data, at an offset, with bytes around it that must not be read
        int pad = input.length == 0 ? 0 : (input[0] & 7);
        byte[] padded = new byte[input.length + pad + 5];
        Arrays.fill(padded, (byte) '}');
        System.arraycopy(input, 0, padded, pad, input.length);
        for (ChunkDecoder decoder : DECODERS) {
            for (String name : new String[] {null, "message", "error", "ping"}) {
                compare(decoder, name, padded, pad, input.length);
                stillRight(decoder);
            }
        }
    }

    private static void stillRight(ChunkDecoder decoder) {
        assertThat(decoder.decode("message", GOOD, 0, GOOD.length)).as("a good chunk after the input")
                .isEqualTo(GOOD_CHUNKS);
    }

    static void compare(ChunkDecoder decoder, String type, byte[] data, int offset, int length) {
        byte[] before = Arrays.copyOfRange(data, offset, offset + length);
        String text = Utf8.decode(data, offset, length);
        Object fromString = outcome(() -> decoder.decode(type, text));
        Object fromBytes = outcome(() -> decoder.decode(type, data, offset, length));
        assertThat(fromBytes).as("event %s, data %s", type, text).isEqualTo(fromString);
        assertThat(decoder.isEndOfStream(type == null ? "message" : type, data, offset, length)).as("[DONE] of %s", text)
                .isEqualTo(decoder.isEndOfStream(type == null ? "message" : type, text));
        assertThat(Arrays.copyOfRange(data, offset, offset + length)).as("the decoder wrote into the data").isEqualTo(before);
    }

    private static Object outcome(Supplier<List<StreamChunk>> decode) {
        try {
            return decode.get();
        } catch (RuntimeException e) {
            if (e instanceof UncheckedIOException) {
                throw e;
            }
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
