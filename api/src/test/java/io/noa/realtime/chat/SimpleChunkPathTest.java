package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chat stream folds the common chunk (one choice with a role, text and a finish reason) into
 * the accumulator straight from the event's bytes ({@link OpenAiChunkDecoder#readSimple},
 * {@link ChunkAccumulator#applySimple}) when nobody listens to chunks. That must leave the
 * accumulator exactly as decoding the event into a {@link StreamChunk} and applying it does,
 * after every event of every CHAT-STREAM-VARIANTS fixture, every committed fuzz input and a set
 * of near-common chunks (null fields, duplicates, other types, several objects, bad UTF-8, tight
 * bounds), including the limit error.
 */
class SimpleChunkPathTest {
    private static final ChunkDecoder TIGHT = ChunkDecoder.openAi(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxStringLength(64).maxNumberLength(8).build())
            .build());
    private static final String META = "\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp\",";

    private static String chunk(String choice) {
        return "{" + META + "\"choices\":[" + choice + "]}";
    }

    @Test
    void everyFixtureAndFuzzInputAccumulatesAlike() throws IOException {
        List<Path> inputs = new ArrayList<>();
        for (String dir : List.of("chat-streams", "io/noa/realtime/chat/ChunkDecoderFuzzTestInputs/decodeAndAccumulate")) {
            try (Stream<Path> files = Files.list(Paths.get("src/test/resources", dir))) {
                files.filter(Files::isRegularFile).sorted().forEach(inputs::add);
            }
        }
        assertThat(inputs).hasSizeGreaterThan(40);
        int simple = 0;
        for (Path file : inputs) {
            byte[] body = Files.readAllBytes(file);
            for (ChunkDecoder decoder : List.of(ChunkDecoder.openAi(), TIGHT)) {
                for (long max : new long[] {ChunkAccumulator.DEFAULT_MAX_MESSAGE_CHARS, 300}) {
                    simple += compareStream((OpenAiChunkDecoder) decoder, body, max, file.toString());
                }
            }
        }
        assertThat(simple).as("events taken by the simple path").isGreaterThan(200);
    }

    @Test
    void nearCommonChunksAccumulateAlike() {
        List<String> events = List.of(
                chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}"),
                chunk("{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}"),
                chunk("{\"index\":0,\"delta\":{\"content\":\"lo \\\"x\\\" caf\u00e9 \ud83d\ude00\\n\\u00e9\"}}"),
                chunk("{\"delta\":{\"content\":\"no index\"}}"),
                chunk("{\"index\":-1,\"delta\":{\"content\":\"bad index\"}}"),
                chunk("{\"index\":99999999999,\"delta\":{\"content\":\"big index\"}}"),
                chunk("{\"index\":\"0\",\"delta\":{\"content\":\"string index\"}}"),
                chunk("{\"index\":1,\"delta\":{\"role\":\"\",\"content\":\"second choice\"}}"),
                chunk("{\"index\":0,\"delta\":{\"reasoning_content\":\"think \"}}"),
                chunk("{\"index\":0,\"delta\":{\"reasoning\":\"more\"}}"),
                chunk("{\"index\":0,\"delta\":{\"reasoning\":\"a\",\"reasoning_content\":\"b\"}}"),
                chunk("{\"index\":0,\"delta\":{\"reasoning\":null,\"reasoning_content\":\"b\"}}"),
                chunk("{\"index\":0,\"delta\":{\"refusal\":\"no\"}}"),
                chunk("{\"index\":0,\"delta\":{\"content\":\"a\",\"content\":\"b\"}}"),
                chunk("{\"index\":0,\"delta\":{\"content\":null}}"),
                chunk("{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"parts\"}]}}"),
                chunk("{\"index\":0,\"delta\":{\"content\":42}}"),
                chunk("{\"index\":0,\"delta\":{\"role\":7}}"),
                chunk("{\"index\":0,\"delta\":{\"tool_calls\":null,\"function_call\":null,\"annotations\":null,\"x\":null}}"),
                chunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]}}"),
                chunk("{\"index\":0,\"delta\":{\"extra\":\"x\"}}"),
                chunk("{\"index\":0,\"delta\":null}"),
                chunk("{\"index\":0,\"message\":{\"content\":\"m\"}}"),
                chunk("{\"index\":0,\"delta\":{},\"logprobs\":{\"content\":[{\"token\":\"a\"}]}}"),
                chunk("{\"index\":0,\"delta\":{},\"extra\":1}"),
                chunk("{\"index\":0,\"delta\":{},\"extra\":null}"),
                chunk("{\"index\":0,\"delta\":{},\"finish_reason\":\"\"}"),
                chunk("{\"index\":0,\"delta\":{},\"finish_reason\":3}"),
                chunk("{\"index\":0,\"delta\":{},\"index\":1}"),
                chunk("{\"index\":0,\"delta\":{}},null"),
                chunk("{\"index\":0,\"delta\":{}},{\"index\":1,\"delta\":{}}"),
                chunk(""),
                "{\"id\":\"\",\"model\":null,\"created\":0,\"choices\":[{\"delta\":{\"content\":\"x\"}}]}",
                "{\"id\":\"late\",\"model\":\"m2\",\"created\":-5,\"service_tier\":\"t\",\"choices\":[{\"delta\":{}}]}",
                "{\"created\":1.5,\"choices\":[{\"delta\":{}}]}",
                "{\"created\":\"17\",\"choices\":[{\"delta\":{}}]}",
                "{\"id\":3,\"choices\":[{\"delta\":{}}]}",
                "{\"object\":\"error\",\"message\":\"boom\",\"choices\":[{\"delta\":{}}]}",
                "{\"object\":\"error\",\"choices\":[{\"delta\":{}}]}",
                "{\"type\":\"error\",\"choices\":[{\"delta\":{}}]}",
                "{\"error\":null,\"choices\":[{\"delta\":{}}]}",
                "{\"usage\":null,\"choices\":[{\"delta\":{\"content\":\"u\"}}]}",
                "{\"usage\":{\"prompt_tokens\":1},\"choices\":[{\"delta\":{}}]}",
                "{\"choices\":[{\"delta\":{}}],\"choices\":[{\"delta\":{}}]}",
                "{\"id\":\"a\",\"id\":\"b\",\"choices\":[{\"delta\":{}}]}",
                "{\"choices\":[]}",
                "{\"choices\":null}",
                "{}",
                "{\"choices\":[{\"delta\":{\"content\":\"one\"}}]} {\"choices\":[{\"delta\":{\"content\":\"two\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"trailing\"}}]}   \n",
                "{\"choices\":[{\"delta\":{\"content\":\"cut\"}}]",
                "{\"choices\":[{\"delta\":{\"content\":\"junk\"}}]} x",
                "{\"choices\":[{\"delta\":{\"content\":\"" + "y".repeat(100) + "\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"" + "z".repeat(5000) + "\"}}]}",
                chunk("{\"index\":0,\"delta\":{\"content\":\"after\"},\"finish_reason\":\"stop\"}"),
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}",
                chunk("{\"index\":0,\"delta\":{\"content\":\"after the end\"}}"));
        List<byte[]> data = new ArrayList<>();
        for (String e : events) {
            data.add(e.getBytes(StandardCharsets.UTF_8));
        }
        data.add(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
        for (ChunkDecoder decoder : List.of(ChunkDecoder.openAi(), TIGHT)) {
            for (long max : new long[] {ChunkAccumulator.DEFAULT_MAX_MESSAGE_CHARS, 400, 5}) {
                for (String type : new String[] {null, "message", "ping"}) {
                    Pair pair = new Pair((OpenAiChunkDecoder) decoder, max);
                    for (byte[] d : data) {
                        // at an offset inside a larger array, with bytes around that must not be read
                        byte[] padded = new byte[d.length + 7];
                        java.util.Arrays.fill(padded, (byte) '}');
                        System.arraycopy(d, 0, padded, 3, d.length);
                        pair.event(type, padded, 3, d.length, new String(d, StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    @Test
    void theCommonChunksTakeTheSimplePathAndOthersDoNot() {
        OpenAiChunkDecoder decoder = (OpenAiChunkDecoder) ChunkDecoder.openAi();
        SimpleChunk into = new SimpleChunk();
        for (String simple : List.of(
                chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}"),
                chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,\"finish_reason\":null}"),
                chunk("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}"),
                "{\"usage\":null,\"choices\":[{\"delta\":{\"reasoning_content\":\"r\"}}]}")) {
            byte[] b = simple.getBytes(StandardCharsets.UTF_8);
            assertThat(decoder.readSimple("message", b, 0, b.length, into)).as(simple).isTrue();
        }
        assertThat(into.reasoning.present).isTrue();
        assertThat(new String(into.reasoning.chars, 0, into.reasoning.length)).isEqualTo("r");
        // one tool-call fragment with an index: the scanner reads it (streamed arguments)
        byte[] call = chunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\"}}]}}").getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.readSimple("message", call, 0, call.length, into)).isTrue();
        assertThat(into.hasCall).isTrue();
        assertThat(List.of(into.callIndex, into.callId, into.callType, into.callName,
                new String(into.callArguments.chars, 0, into.callArguments.length))).containsExactly(0, "call_1", "function", "f", "{\"a");
        for (String other : List.of("{\"choices\":[],\"usage\":{\"total_tokens\":3}}",
                chunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{\"}}]}}"),
                chunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0},{\"index\":1}]}}"),
                chunk("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":{\"a\":1}}}]}}"),
                "{\"error\":{\"message\":\"boom\"}}")) {
            byte[] b = other.getBytes(StandardCharsets.UTF_8);
            assertThat(decoder.readSimple("message", b, 0, b.length, into)).as(other).isFalse();
        }
        byte[] b = chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"}}").getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.readSimple("error", b, 0, b.length, into)).isFalse();
        assertThat(decoder.readSimple("ping", b, 0, b.length, into)).isFalse();
        // the parser stays usable after every kind of refusal, and is renewed as usual
        for (int i = 0; i < 3 * ReusedJsonParser.EVENTS_PER_PARSER + 5; i++) {
            assertThat(decoder.readSimple("message", b, 0, b.length, into)).isTrue();
            assertThat(new String(into.content.chars, 0, into.content.length)).isEqualTo("Hi");
        }
    }

    /** The simple path's accumulator next to the chunk path's, compared after every event. */
    static final class Pair {
        final OpenAiChunkDecoder decoder;
        final ChunkAccumulator full;
        final ChunkAccumulator simple;
        final SimpleChunk scratch = new SimpleChunk();
        int taken;

        Pair(OpenAiChunkDecoder decoder, long max) {
            this.decoder = decoder;
            this.full = new ChunkAccumulator("m", max);
            this.simple = new ChunkAccumulator("m", max);
        }

        void event(String type, byte[] data, int offset, int length, String what) {
            String as = what + " / event " + type;
            Object a = outcome(() -> {
                for (StreamChunk c : decoder.decode(type, data, offset, length)) {
                    full.apply(c);
                }
            });
            Object b = outcome(() -> {
                if (decoder.readSimple(type, data, offset, length, scratch)) {
                    taken++;
                    simple.applySimple(scratch);
                } else {
                    for (StreamChunk c : decoder.decode(type, data, offset, length)) {
                        simple.apply(c);
                    }
                }
            });
            assertThat(b).as(as).isEqualTo(a);
            assertThat(describe(simple.snapshot())).as(as).isEqualTo(describe(full.snapshot()));
            assertThat(simple.allChoicesFinished()).as(as).isEqualTo(full.allChoicesFinished());
        }
    }

    private static int compareStream(OpenAiChunkDecoder decoder, byte[] body, long max, String what) {
        Pair pair = new Pair(decoder, max);
        SseParser parser = new SseParser(new SseParser.Handler() {
            @Override
            public void onEvent(SseEvent event) {
                throw new AssertionError("the parser must hand bytes to a handler that reads them");
            }

            @Override
            public void onEventBytes(String id, String type, byte[] data, int offset, int length) {
                if (!decoder.isEndOfStream(type, data, offset, length)) {
                    pair.event(type, data, offset, length, what);
                }
            }
        });
        try {
            parser.feed(body, 0, body.length);
        } catch (RuntimeException e) {
            // a fuzz input may exceed a parser bound; the events before it were compared
        }
        assertThat(describe(pair.simple.complete())).as(what).isEqualTo(describe(pair.full.complete()));
        return pair.taken;
    }

    private static Object outcome(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    static List<Object> describe(StreamingMessage m) {
        List<Object> out = new ArrayList<>(List.of(m.id(), m.responseId(), m.model(), m.created(), m.systemFingerprint(),
                m.serviceTier(), m.state(), m.usage(), String.valueOf(m.error().orElse(null)), m.extras(), m.chunkCount()));
        for (StreamingMessage.ChoiceState c : m.choices()) {
            out.add(List.of(c.index(), c.rawRole(), c.content(), c.reasoning(), c.refusal(), c.toolCalls(),
                    c.functionCall(), c.rawFinishReason(), c.logprobs(), c.refusalLogprobs(), c.annotations(),
                    c.extras()));
        }
        return out;
    }
}
