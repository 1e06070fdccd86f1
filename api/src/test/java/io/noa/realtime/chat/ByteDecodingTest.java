package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.noa.realtime.internal.Utf8;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chat path reads event data as bytes ({@link ChunkDecoder#decode(String, byte[], int, int)},
 * a Jackson parser reused across events): it must give exactly what the {@code String} path gives
 * for the same event, chunks and exceptions alike, on every fixture of CHAT-STREAM-VARIANTS, every
 * committed fuzz input and the edge cases of the byte path (cut, trailing and several objects,
 * malformed UTF-8, white space around {@code [DONE]}, tight read constraints).
 */
class ByteDecodingTest {
    private static final ChunkDecoder TIGHT = ChunkDecoder.openAi(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxStringLength(64).maxNumberLength(8).build())
            .build());
    private static final List<ChunkDecoder> DECODERS = List.of(ChunkDecoder.openAi(), TIGHT);
    private static final String CHUNK = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}";

    @Test
    void everyFixtureAndFuzzInputDecodesAlikeFromBytes() throws IOException {
        List<Path> inputs = new ArrayList<>();
        for (String dir : List.of("chat-streams", "io/noa/realtime/chat/ChunkDecoderFuzzTestInputs/decodeAndAccumulate")) {
            Path root = Paths.get("src/test/resources", dir);
            try (Stream<Path> files = Files.list(root)) {
                files.filter(Files::isRegularFile).sorted().forEach(inputs::add);
            }
        }
        assertThat(inputs).hasSizeGreaterThan(40);
        int events = 0;
        for (Path file : inputs) {
            byte[] body = Files.readAllBytes(file);
            for (ChunkDecoder decoder : DECODERS) {
                events += compareStream(decoder, body, file.toString());
            }
        }
        assertThat(events).isGreaterThan(200);
    }

    @Test
    void edgeCasesOfTheBytePathDecodeAlike() {
        List<byte[]> cases = new ArrayList<>();
        for (String s : List.of(CHUNK, " \r\n\t" + CHUNK + " \n ", CHUNK + CHUNK, CHUNK + "\n" + CHUNK,
                CHUNK + " x", CHUNK + " 42", CHUNK + "]", CHUNK + "{", CHUNK + "[]", CHUNK + "{\"id\":",
                CHUNK.substring(0, CHUNK.length() - 1), CHUNK.substring(0, 40), "{\"created\":12", "{\"id\":\"a\"",
                "{\"choices\":[{\"delta\":{\"content\":\"caf\u00e9 \ud83d\ude00 \u65e5\u672c\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"a}{b\\\"}\"}}]}", "{}", "{} {}", "{\"a\":[1,2,{\"b\":null}]}",
                "{\"usage\":{\"prompt_tokens\":1,\"x\":{\"y\":[1]}},\"extra\":{\"deep\":[[[]]]}}",
                "{\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(100) + "\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]", "{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}}",
                "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}", "{'single':1}", "{\"a\":tru}",
                "\u00a0" + CHUNK, "\u2003" + CHUNK, "[DONE]", " [DONE] ", "\u2003[DONE]\u2003", "[DONE]x", "[done]",
                "", "   ", "42", "\"text\"", "null", "[" + CHUNK + "]", "data")) {
            cases.add(s.getBytes(StandardCharsets.UTF_8));
        }
        String head = "{\"choices\":[{\"delta\":{\"content\":\"";
        String tail = "\"}}]}";
        for (byte[] bad : List.of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98})) {
            byte[] a = head.getBytes(StandardCharsets.UTF_8);
            byte[] b = tail.getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[a.length + bad.length + b.length];
            System.arraycopy(a, 0, all, 0, a.length);
            System.arraycopy(bad, 0, all, a.length, bad.length);
            System.arraycopy(b, 0, all, a.length + bad.length, b.length);
            cases.add(all);
        }
        for (ChunkDecoder decoder : DECODERS) {
            for (String name : new String[] {null, "", "message", "error", "ping"}) {
                for (byte[] data : cases) {
                    // at an offset inside a larger array, with bytes around that must not be read
                    byte[] padded = new byte[data.length + 7];
                    java.util.Arrays.fill(padded, (byte) '}');
                    System.arraycopy(data, 0, padded, 3, data.length);
                    compare(decoder, name, padded, 3, data.length, new String(data, StandardCharsets.UTF_8));
                    // and a good event right after a bad one decodes on the same thread
                    compare(decoder, name, CHUNK.getBytes(StandardCharsets.UTF_8), 0, CHUNK.length(), "after it");
                }
            }
        }
    }

    @Test
    void theReusedParserIsRenewedAndStaysRight() {
        byte[] data = CHUNK.getBytes(StandardCharsets.UTF_8);
        StreamChunk expected = ChunkDecoder.openAi().decode("message", CHUNK).get(0);
        for (int i = 0; i < 3 * ReusedJsonParser.EVENTS_PER_PARSER + 5; i++) {
            assertThat(ChunkDecoder.openAi().decode("message", data, 0, data.length)).containsExactly(expected);
        }
    }

    @Test
    void wellFormedUtf8IsExactlyWhatAStrictDecoderAccepts() {
        java.util.Random random = new java.util.Random(16);
        byte[] pool = {'a', '{', '"', 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC2, (byte) 0xDF, (byte) 0xE0,
                (byte) 0xA0, (byte) 0xED, (byte) 0x9F, (byte) 0xEF, (byte) 0xF0, (byte) 0x90, (byte) 0xF4, (byte) 0x8F,
                (byte) 0xF5, (byte) 0xFF};
        for (int n = 0; n < 20_000; n++) {
            byte[] a = new byte[random.nextInt(40)];
            for (int i = 0; i < a.length; i++) {
                // runs of ASCII (the eight-at-a-time scan) broken by bytes from the edges of UTF-8
                a[i] = random.nextInt(4) == 0 ? pool[random.nextInt(pool.length)] : (byte) ('a' + random.nextInt(26));
            }
            int from = a.length == 0 ? 0 : random.nextInt(a.length);
            boolean strict;
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(a, from, a.length - from));
                strict = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                strict = false;
            }
            assertThat(Utf8Bytes.isWellFormed(a, from, a.length)).as(java.util.Arrays.toString(a) + " from " + from)
                    .isEqualTo(strict);
        }
    }

    private static int compareStream(ChunkDecoder decoder, byte[] body, String what) {
        int[] n = {0};
        SseParser parser = new SseParser(new SseParser.Handler() {
            @Override
            public void onEvent(SseEvent event) {
                throw new AssertionError("the parser must hand bytes to a handler that reads them");
            }

            @Override
            public void onEventBytes(String id, String type, byte[] data, int offset, int length) {
                n[0]++;
                compare(decoder, type, data, offset, length, what);
            }
        });
        try {
            parser.feed(body, 0, body.length);
        } catch (RuntimeException e) {
            // a fuzz input may exceed a parser bound; the events before it were compared
        }
        return n[0];
    }

    private static void compare(ChunkDecoder decoder, String type, byte[] data, int offset, int length, String what) {
        String text = Utf8.decode(data, offset, length);
        String as = what + " / event " + type + " / " + text;
        Object fromString = outcome(() -> decoder.decode(type, text));
        Object fromBytes = outcome(() -> decoder.decode(type, data, offset, length));
        assertThat(fromBytes).as(as).isEqualTo(fromString);
        assertThat(decoder.isEndOfStream(type, data, offset, length)).as(as).isEqualTo(decoder.isEndOfStream(type, text));
    }

    private static Object outcome(java.util.function.Supplier<List<StreamChunk>> decode) {
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
