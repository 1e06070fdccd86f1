package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hand-written {@link ChunkScanner} against the Jackson reader of the common chunk
 * ({@link OpenAiChunkDecoder#readSimpleWithJackson}): whenever the scanner accepts an event,
 * Jackson must accept it too and read exactly the same values; the scanner may decline what
 * Jackson accepts (the caller then asks Jackson), but must accept the common chunks of real
 * streams. Inputs: every CHAT-STREAM-VARIANTS fixture and committed fuzz input, generated common
 * chunks (any field order, white space, escapes, Unicode, numbers, unknown nulls) and tens of
 * thousands of byte-level mutations of them.
 */
class ChunkScannerTest {
    private static final OpenAiChunkDecoder PLAIN = (OpenAiChunkDecoder) ChunkDecoder.openAi();
    private static final OpenAiChunkDecoder TIGHT = (OpenAiChunkDecoder) ChunkDecoder.openAi(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxStringLength(64).maxNumberLength(8).maxNameLength(12).build())
            .build());

    private final ChunkScanner plainScanner = new ChunkScanner(new JsonFactory(), new RepeatedText());
    private final ChunkScanner tightScanner = new ChunkScanner(TIGHT_FACTORY, new RepeatedText());
    private int accepted;
    private int calls;
    private int declinedButJacksonAccepted;

    @Test
    void fixturesAndFuzzInputsReadAlike() throws IOException {
        List<Path> inputs = new ArrayList<>();
        for (String dir : List.of("chat-streams", "io/noa/realtime/chat/ChunkDecoderFuzzTestInputs/decodeAndAccumulate")) {
            try (Stream<Path> files = Files.list(Paths.get("src/test/resources", dir))) {
                files.filter(Files::isRegularFile).sorted().forEach(inputs::add);
            }
        }
        assertThat(inputs).hasSizeGreaterThan(40);
        for (Path file : inputs) {
            byte[] body = Files.readAllBytes(file);
            SseParser parser = new SseParser(new SseParser.Handler() {
                @Override
                public void onEvent(SseEvent event) {
                    throw new AssertionError("bytes expected");
                }

                @Override
                public void onEventBytes(String id, String type, byte[] data, int offset, int length) {
                    for (OpenAiChunkDecoder d : List.of(PLAIN, TIGHT)) {
                        compare(d, Arrays.copyOfRange(data, offset, offset + length), file.toString());
                    }
                }
            });
            try {
                parser.feed(body, 0, body.length);
            } catch (RuntimeException e) {
                // a fuzz input may exceed a parser bound; the events before it were compared
            }
        }
        assertThat(accepted).as("events the scanner read").isGreaterThan(100);
        assertThat(declinedButJacksonAccepted).as("common chunks of the fixtures the scanner declined").isZero();
    }

    @Test
    void generatedCommonChunksAreReadByTheScannerAndAlike() {
        Random random = new Random(20261206);
        for (int i = 0; i < 20_000; i++) {
            byte[] chunk = generate(random, false).getBytes(StandardCharsets.UTF_8);
            assertThat(compare(PLAIN, chunk, "generated #" + i)).as(new String(chunk, StandardCharsets.UTF_8)).isTrue();
            compare(TIGHT, chunk, "generated #" + i + " (tight)");
        }
    }

    @Test
    void mutatedChunksReadAlikeOrAreDeclined() {
        Random random = new Random(7);
        byte[] interesting = ("\"\\{}[],:-+0123456789eE. \t\n\rnulltrufas/bfnrtu")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] odd = {0, 0x1F, 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC3, (byte) 0xE2,
            (byte) 0xED, (byte) 0xF0, (byte) 0xF4, (byte) 0xF5, (byte) 0xFF};
        for (int i = 0; i < 60_000; i++) {
            byte[] b = generate(random, true).getBytes(StandardCharsets.UTF_8);
            int edits = random.nextInt(4) == 0 ? 2 : 1;
            for (int e = 0; e < edits; e++) {
                b = mutate(random, b, interesting, odd);
            }
            compare(PLAIN, b, "mutation #" + i);
            compare(TIGHT, b, "mutation #" + i + " (tight)");
        }
        assertThat(accepted).isGreaterThan(2_000);
        assertThat(calls).as("mutated tool-call fragments the scanner read").isGreaterThan(100);
        assertThat(declinedButJacksonAccepted).as("mutations only Jackson read").isGreaterThan(0);
    }

    /**
     * Streams of tool-call fragments (several calls by index, ids given or not, names repeated or
     * not, arguments split anywhere) mixed with content chunks: the chat stream's path (scanner,
     * else Jackson, else the full decode) accumulates exactly what the full decode does, compared
     * after every event, with the message's size bound hit in some streams.
     */
    @Test
    void toolCallStreamsAccumulateAsTheFullDecodeDoes() {
        Random random = new Random(11);
        int taken = 0;
        for (int stream = 0; stream < 2_000; stream++) {
            long max = random.nextInt(10) == 0 ? 40 + random.nextInt(200) : ChunkAccumulator.DEFAULT_MAX_MESSAGE_CHARS;
            SimpleChunkPathTest.Pair pair = new SimpleChunkPathTest.Pair(PLAIN, max);
            int events = 1 + random.nextInt(30);
            for (int e = 0; e < events; e++) {
                String chunk = random.nextInt(4) == 0 ? generate(random, random.nextInt(5) == 0)
                        : "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":" + toolCalls(random, random.nextInt(5) == 0)
                                + "},\"finish_reason\":" + (e == events - 1 ? "\"tool_calls\"" : "null") + "}]}";
                byte[] b = chunk.getBytes(StandardCharsets.UTF_8);
                pair.event("message", b, 0, b.length, "stream " + stream + " event " + e + ": " + chunk);
            }
            taken += pair.taken;
        }
        assertThat(taken).as("events the chat stream's path read without the full decode").isGreaterThan(10_000);
    }

    /**
     * Found by the mutations above: an event whose object Jackson's common-chunk reader gave up on
     * ({@code created} as a float) followed by a digit left that digit in the reused non-blocking
     * parser as the start of a number, and the next event (a common chunk) was then declined.
     */
    @Test
    void aDigitAfterAnAbandonedEventDoesNotSpoilTheNextOne() {
        OpenAiChunkDecoder decoder = (OpenAiChunkDecoder) ChunkDecoder.openAi();
        byte[] abandoned = "{\"created\":1.5e3,\"choices\":[{\"delta\":{}}]}6".getBytes(StandardCharsets.UTF_8);
        byte[] common = "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.readSimpleWithJackson("message", abandoned, 0, abandoned.length, new SimpleChunk())).isFalse();
        SimpleChunk into = new SimpleChunk();
        assertThat(decoder.readSimpleWithJackson("message", common, 0, common.length, into)).isTrue();
        assertThat(new String(into.content.chars, 0, into.content.length)).isEqualTo("x");
    }

    @Test
    void onlyPlainJsonFactoriesUseTheScanner() {
        assertThat(ChunkScanner.usable(new JsonFactory())).isTrue();
        assertThat(ChunkScanner.usable(new com.fasterxml.jackson.databind.MappingJsonFactory())).isTrue();
        assertThat(ChunkScanner.usable(JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS).build())).isTrue();
        assertThat(ChunkScanner.usable(new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))).isFalse();
        assertThat(ChunkScanner.usable(JsonFactory.builder().streamReadConstraints(
                StreamReadConstraints.builder().maxDocumentLength(10_000).build()).build())).isFalse();
        assertThat(ChunkScanner.usable(JsonFactory.builder().streamReadConstraints(
                StreamReadConstraints.builder().maxTokenCount(10_000).build()).build())).isFalse();
        assertThat(ChunkScanner.usable(JsonFactory.builder().streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(3).build()).build())).isFalse();
        assertThat(ChunkScanner.usable(new JsonFactory() {})).isFalse();
    }

    @Test
    void whatTheScannerReads() {
        SimpleChunk into = new SimpleChunk();
        ChunkScanner scanner = new ChunkScanner(new JsonFactory(), new RepeatedText());
        byte[] b = ("{ \"id\" : \"c\\u0031\", \"created\":-0,\"choices\":[ {\"index\":3, \"delta\":{\"role\":\"assistant\","
                + "\"content\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00 caf\u00e9 \u20ac \ud83d\ude01\\udc00\"},"
                + "\"finish_reason\":\"stop\",\"x\":null} ] , \"usage\":null}\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(scanner.scan(b, 0, b.length, into)).isTrue();
        assertThat(into.id).isEqualTo("c1");
        assertThat(into.created).isZero();
        assertThat(into.index).isEqualTo(3);
        assertThat(into.role).isSameAs("assistant");
        assertThat(into.finishReason).isSameAs("stop");
        assertThat(new String(into.content.chars, 0, into.content.length))
                .isEqualTo("a\"\\/\b\f\n\r\t\ud83d\ude00 caf\u00e9 \u20ac \ud83d\ude01\udc00");
        assertThat(into.reasoning.present).isFalse();
        for (String declined : List.of("{\"choices\":[{\"delta\":{\"c\\u006fntent\":\"x\"}}]}",
                "{\"created\":1e9,\"choices\":[{\"delta\":{}}]}",
                "{\"created\":01,\"choices\":[{\"delta\":{}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"tab\tinside\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"\\x\"}}]}",
                "{\"choices\":[{\"delta\":{}}],}",
                "{\"choices\":[{\"delta\":{}}]}{}",
                "{\"choices\":[{\"delta\":{}}]")) {
            byte[] d = declined.getBytes(StandardCharsets.UTF_8);
            assertThat(scanner.scan(d, 0, d.length, into)).as(declined).isFalse();
        }
    }

    /**
     * Compares the scanner with the Jackson reader on one event.
     *
     * @return whether the scanner accepted it
     */
    private boolean compare(OpenAiChunkDecoder decoder, byte[] data, String what) {
        // at an offset inside a larger array, with bytes around that must not be read
        byte[] padded = new byte[data.length + 6];
        Arrays.fill(padded, (byte) '"');
        System.arraycopy(data, 0, padded, 3, data.length);
        SimpleChunk byScanner = new SimpleChunk();
        SimpleChunk byJackson = new SimpleChunk();
        int start = Utf8Bytes.skipJsonWhitespace(padded, 3, 3 + data.length);
        // one scanner per decoder for the whole test, as a stream keeps one: its remembered values are used
        ChunkScanner scanner = decoder == TIGHT ? tightScanner : plainScanner;
        boolean scanned = start < 3 + data.length && padded[start] == '{'
                && ChunkScanner.usable(factoryOf(decoder))
                && scanner.scan(padded, start, 3 + data.length, byScanner);
        boolean jackson = decoder.readSimpleWithJackson("message", padded, 3, data.length, byJackson);
        String as = what + ": " + new String(data, StandardCharsets.UTF_8);
        if (scanned && byScanner.hasCall) {
            // a tool-call fragment: only the scanner reads it, so compare with the full decode
            accepted++;
            calls++;
            ChunkAccumulator simple = new ChunkAccumulator("m");
            simple.applySimple(byScanner);
            ChunkAccumulator full = new ChunkAccumulator("m");
            for (StreamChunk c : decoder.decode("message", padded, 3, data.length)) {
                full.apply(c);
            }
            assertThat(SimpleChunkPathTest.describe(simple.snapshot())).as(as)
                    .isEqualTo(SimpleChunkPathTest.describe(full.snapshot()));
        } else if (scanned) {
            accepted++;
            assertThat(jackson).as("Jackson reads what the scanner read: " + as).isTrue();
            assertThat(describe(byScanner)).as(as).isEqualTo(describe(byJackson));
            // and through readSimple, the path the chat stream takes
            SimpleChunk viaDecoder = new SimpleChunk();
            assertThat(decoder.readSimple("message", padded, 3, data.length, viaDecoder)).isTrue();
            assertThat(describe(viaDecoder)).as(as).isEqualTo(describe(byJackson));
        } else if (jackson) {
            declinedButJacksonAccepted++;
        }
        return scanned;
    }

    private static JsonFactory factoryOf(OpenAiChunkDecoder decoder) {
        return decoder == TIGHT ? TIGHT_FACTORY : new JsonFactory();
    }

    private static final JsonFactory TIGHT_FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxStringLength(64).maxNumberLength(8).maxNameLength(12).build())
            .build();

    private static List<Object> describe(SimpleChunk c) {
        return Arrays.asList(c.id, c.model, c.created, c.systemFingerprint, c.serviceTier, c.index, c.role,
                c.finishReason, text(c.content), text(c.reasoning), text(c.refusal), c.hasCall);
    }

    private static String text(SimpleChunk.Text t) {
        return t.present ? "[" + new String(t.chars, 0, t.length) + "]" : "absent";
    }

    // ---- generated chunks ----

    private static final String[] WS = {"", "", "", " ", "\n", "\t", " \r\n "};

    /** A common chunk in random form; {@code wild} adds what the scanner declines. */
    private static String generate(Random r, boolean wild) {
        List<String> fields = new ArrayList<>();
        maybe(r, fields, "id", r.nextBoolean() ? "\"chatcmpl-" + r.nextInt(3) + "\"" : stringOrNull(r, wild, 0.1));
        maybe(r, fields, "object", wild && r.nextInt(20) == 0 ? "\"error\"" : "\"chat.completion.chunk\"");
        maybe(r, fields, "created", number(r, wild));
        maybe(r, fields, "model", r.nextBoolean() ? "\"gpt-4o" + "-mini".repeat(r.nextInt(2)) + "\"" : stringOrNull(r, wild, 0.1));
        maybe(r, fields, "system_fingerprint", stringOrNull(r, wild, 0.3));
        maybe(r, fields, "service_tier", stringOrNull(r, wild, 0.3));
        maybe(r, fields, "usage", "null");
        if (r.nextInt(5) == 0) {
            fields.add(pair(r, "extra_" + r.nextInt(3), "null"));
        }
        List<String> choice = new ArrayList<>();
        maybe(r, choice, "index", r.nextInt(8) == 0 ? "-1" : String.valueOf(r.nextInt(3)));
        List<String> delta = new ArrayList<>();
        maybe(r, delta, "role", r.nextBoolean() ? "\"assistant\"" : stringOrNull(r, wild, 0.2));
        maybe(r, delta, "content", stringOrNull(r, wild, 0.1));
        if (r.nextInt(4) == 0) {
            maybe(r, delta, r.nextBoolean() ? "reasoning" : "reasoning_content", stringOrNull(r, wild, 0.2));
        }
        if (r.nextInt(4) == 0) {
            maybe(r, delta, "refusal", stringOrNull(r, wild, 0.5));
        }
        if (r.nextInt(6) == 0) {
            maybe(r, delta, new String[] {"tool_calls", "function_call", "annotations", "other"}[r.nextInt(4)], "null");
        } else if (r.nextInt(4) == 0) {
            delta.add(pair(r, "tool_calls", toolCalls(r, wild)));
        }
        java.util.Collections.shuffle(delta, r);
        choice.add(pair(r, "delta", object(r, delta)));
        maybe(r, choice, "finish_reason", r.nextBoolean() ? "null"
                : "\"" + new String[] {"stop", "length", "tool_calls", "content_filter", "", "odd"}[r.nextInt(6)] + "\"");
        maybe(r, choice, "logprobs", "null");
        java.util.Collections.shuffle(choice, r);
        fields.add(pair(r, "choices", "[" + ws(r) + object(r, choice) + ws(r) + "]"));
        java.util.Collections.shuffle(fields, r);
        return ws(r) + object(r, fields) + ws(r);
    }

    /** A {@code tool_calls} array: one fragment with an index (the scanner's), or in wild mode others too. */
    private static String toolCalls(Random r, boolean wild) {
        List<String> call = new ArrayList<>();
        if (!wild || r.nextInt(6) != 0) {
            call.add(pair(r, "index", wild && r.nextInt(10) == 0 ? "-1" : String.valueOf(r.nextInt(3))));
        }
        maybe(r, call, "id", r.nextBoolean() ? "\"call_" + r.nextInt(3) + "\"" : stringOrNull(r, wild, 0.3));
        maybe(r, call, "type", r.nextBoolean() ? "\"function\"" : "null");
        List<String> function = new ArrayList<>();
        maybe(r, function, "name", r.nextBoolean() ? "\"get_weather\"" : stringOrNull(r, wild, 0.3));
        maybe(r, function, "arguments", wild && r.nextInt(8) == 0 ? "{\"a\":1}" : stringOrNull(r, false, 0));
        if (r.nextInt(6) != 0) {
            call.add(pair(r, "function", object(r, function)));
        }
        if (wild && r.nextInt(10) == 0) {
            call.add(pair(r, "extra", "null"));
        }
        java.util.Collections.shuffle(call, r);
        String one = object(r, call);
        return "[" + ws(r) + one + (wild && r.nextInt(8) == 0 ? "," + one : "") + ws(r) + "]";
    }

    private static void maybe(Random r, List<String> members, String name, String value) {
        if (r.nextInt(5) != 0) {
            members.add(pair(r, name, value));
        }
    }

    private static String pair(Random r, String name, String value) {
        return "\"" + name + "\"" + ws(r) + ":" + ws(r) + value;
    }

    private static String object(Random r, List<String> members) {
        StringBuilder b = new StringBuilder("{").append(ws(r));
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                b.append(ws(r)).append(',').append(ws(r));
            }
            b.append(members.get(i));
        }
        return b.append(ws(r)).append('}').toString();
    }

    private static String ws(Random r) {
        return WS[r.nextInt(WS.length)];
    }

    private static String number(Random r, boolean wild) {
        switch (r.nextInt(wild ? 8 : 5)) {
            case 0: return "null";
            case 1: return "0";
            case 2: return "-" + (1 + r.nextInt(1000));
            case 3: return String.valueOf(Math.abs(r.nextLong()) % 1_000_000_000_000_000_000L);
            case 4: return String.valueOf(1_700_000_000 + r.nextInt(1000));
            case 5: return "1.5e3";
            case 6: return "99999999999999999999";
            default: return "-0";
        }
    }

    private static String stringOrNull(Random r, boolean wild, double nulls) {
        if (r.nextDouble() < nulls) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        int n = r.nextInt(r.nextInt(10) == 0 ? 120 : 12);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(20);
            if (k < 10) {
                char c = (char) (' ' + r.nextInt(95));
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            } else if (k < 12) {
                b.append(new String[] {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"}[r.nextInt(8)]);
            } else if (k < 14) {
                b.append(String.format("\\u%04" + (r.nextBoolean() ? "x" : "X"), r.nextInt(0x10000)));
            } else if (k < 16) {
                b.append((char) (0xA0 + r.nextInt(0x700)));
            } else if (k < 17) {
                b.append((char) (0x800 + r.nextInt(0xD000)));
            } else if (k < 18) {
                b.appendCodePoint(0x10000 + r.nextInt(0x100000));
            } else if (wild && k == 18) {
                b.append((char) r.nextInt(0x20)); // a raw control character
            } else {
                b.append(' ');
            }
        }
        return b.append('"').toString();
    }

    private static byte[] mutate(Random r, byte[] b, byte[] interesting, byte[] odd) {
        int at = r.nextInt(b.length + 1);
        switch (r.nextInt(5)) {
            case 0: { // delete a byte
                if (b.length == 0 || at == b.length) {
                    return b;
                }
                byte[] out = new byte[b.length - 1];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + 1, out, at, b.length - at - 1);
                return out;
            }
            case 1: // replace a byte
            case 2: {
                if (at == b.length) {
                    return b;
                }
                byte[] out = b.clone();
                out[at] = r.nextInt(4) == 0 ? odd[r.nextInt(odd.length)] : interesting[r.nextInt(interesting.length)];
                return out;
            }
            case 3: { // insert a byte
                byte[] out = new byte[b.length + 1];
                System.arraycopy(b, 0, out, 0, at);
                out[at] = r.nextInt(4) == 0 ? odd[r.nextInt(odd.length)] : interesting[r.nextInt(interesting.length)];
                System.arraycopy(b, at, out, at + 1, b.length - at);
                return out;
            }
            default: { // cut
                return Arrays.copyOf(b, at);
            }
        }
    }
}
