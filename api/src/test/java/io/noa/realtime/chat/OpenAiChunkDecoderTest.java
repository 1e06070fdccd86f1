package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.noa.realtime.ErrorDetail;
import io.noa.realtime.StreamFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OpenAiChunkDecoderTest {
    private final ChunkDecoder decoder = ChunkDecoder.openAi();

    private StreamChunk one(String json) {
        List<StreamChunk> chunks = decoder.decode("message", json);
        assertThat(chunks).hasSize(1);
        return chunks.get(0);
    }

    @Test
    void doneSentinelIsExactAfterTrimming() {
        assertThat(decoder.isEndOfStream("message", "[DONE]")).isTrue();
        assertThat(decoder.isEndOfStream("message", "  [DONE] \n")).isTrue();
        assertThat(decoder.isEndOfStream("message", "[DONE]x")).isFalse();
        assertThat(decoder.isEndOfStream("message", "[done]")).isFalse();
        assertThat(decoder.isEndOfStream("message", "{\"content\":\"[DONE]\"}")).isFalse();
        assertThat(decoder.decode("message", "[DONE]")).isEmpty();
        assertThat(decoder.decode("message", "")).isEmpty();
        assertThat(decoder.decode(null, "  \n")).isEmpty();
    }

    @Test
    void shortcutsReadTheFirstChoice() {
        StreamChunk c = one("{\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\","
                + "\"reasoning_content\":\"think\"},\"finish_reason\":\"stop\"},{\"index\":1,\"delta\":{\"content\":\"no\"}}]}");
        assertThat(c.content()).contains("Hi");
        assertThat(c.reasoning()).contains("think");
        assertThat(c.finishReason()).contains("stop");
        StreamChunk usageOnly = one("{\"id\":\"a\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                + "\"total_tokens\":3}}");
        assertThat(usageOnly.content()).isEmpty();
        assertThat(usageOnly.reasoning()).isEmpty();
        assertThat(usageOnly.finishReason()).isEmpty();
        StreamChunk roleOnly = one("{\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}");
        assertThat(roleOnly.content()).isEmpty();
        assertThat(roleOnly.finishReason()).isEmpty();
    }

    @Test
    void unknownFieldsInEveryObjectAreKeptOrSkippedNeverFatal() {
        StreamChunk c = one("{\"id\":\"a\",\"x_top\":{\"k\":[1,2]},\"choices\":[{\"index\":0,\"x_choice\":true,"
                + "\"delta\":{\"content\":\"hi\",\"x_delta\":\"v\",\"tool_calls\":[{\"index\":0,\"x_call\":1,"
                + "\"id\":\"c1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\",\"x_fn\":null}}]},"
                + "\"logprobs\":{\"content\":[{\"token\":\"hi\"}],\"x_lp\":[3]},\"finish_reason\":null}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3,\"x_usage\":{\"n\":4}}}");
        assertThat(c.extras()).containsOnlyKeys("x_top");
        assertThat(c.extras().get("x_top").get("k").get(1).asInt()).isEqualTo(2);
        Choice ch = c.choices().get(0);
        assertThat(ch.extras()).containsOnlyKeys("x_choice");
        Delta d = ch.delta().orElseThrow();
        assertThat(d.extras()).containsOnlyKeys("x_delta");
        assertThat(d.content()).contains("hi");
        assertThat(d.toolCalls()).containsExactly(ToolCall.builder().index(0).id("c1").name("f").arguments("{}").build());
        assertThat(ch.logprobs()).hasSize(1);
        assertThat(c.usage().orElseThrow().details()).containsOnlyKeys("x_usage");
        assertThat(c.error()).isEmpty();
    }

    @Test
    void nullsEverywhere() {
        StreamChunk top = one("{\"id\":null,\"object\":null,\"created\":null,\"model\":null,\"system_fingerprint\":null,"
                + "\"service_tier\":null,\"choices\":null,\"usage\":null,\"error\":null,\"other\":null}");
        assertThat(top).isEqualTo(StreamChunk.builder().build());
        StreamChunk c = one("{\"choices\":[null,{\"index\":null,\"delta\":null,\"finish_reason\":null,\"logprobs\":null},"
                + "{\"delta\":{\"role\":null,\"content\":null,\"reasoning_content\":null,\"reasoning\":null,\"refusal\":null,"
                + "\"tool_calls\":null,\"function_call\":null,\"annotations\":null}},"
                + "{\"delta\":{\"tool_calls\":[null,{\"index\":null,\"id\":null,\"type\":null,\"function\":null},"
                + "{\"function\":{\"name\":null,\"arguments\":null}}],\"annotations\":[null]},"
                + "\"logprobs\":{\"content\":null,\"refusal\":[null]}}]}");
        assertThat(c.choices()).hasSize(3);
        Choice first = c.choices().get(0);
        assertThat(first.index()).isEmpty();
        assertThat(first.delta()).isEmpty();
        assertThat(first.finishReason()).isEmpty();
        assertThat(c.choices().get(1).delta().orElseThrow().isEmpty()).isTrue();
        Delta d = c.choices().get(2).delta().orElseThrow();
        assertThat(d.toolCalls()).hasSize(2).allSatisfy(t -> {
            assertThat(t.index()).isEmpty();
            assertThat(t.id()).isEmpty();
            assertThat(t.name()).isEmpty();
            assertThat(t.arguments()).isEmpty();
        });
        assertThat(d.annotations()).isEmpty();
    }

    @Test
    void numbersAsStringsAndStringsAsNumbers() {
        StreamChunk c = one("{\"id\":123,\"created\":\"1710000000\",\"choices\":[{\"index\":\"2\",\"delta\":{\"content\":42,"
                + "\"tool_calls\":[{\"index\":\"1\",\"function\":{\"arguments\":\"{}\"}}]},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":3.0,\"total_tokens\":\"x\"}}");
        assertThat(c.id()).contains("123");
        assertThat(c.created()).hasValue(1710000000L);
        Choice ch = c.choices().get(0);
        assertThat(ch.index()).hasValue(2);
        assertThat(ch.delta().orElseThrow().content()).contains("42");
        assertThat(ch.delta().orElseThrow().toolCalls().get(0).index()).hasValue(1);
        Usage u = c.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(12);
        assertThat(u.completionTokens()).isEqualTo(3);
        assertThat(u.totalTokens()).isEqualTo(15); // unusable total: the sum
    }

    @Test
    void wrongTypesAreIgnoredNotFatal() {
        StreamChunk c = one("{\"choices\":{\"index\":0},\"usage\":[1],\"created\":-5,"
                + "\"model\":{\"a\":1}}");
        assertThat(c.choices()).isEmpty();
        assertThat(c.usage()).isEmpty();
        assertThat(c.created()).isEmpty();
        assertThat(c.model()).isEmpty();
        StreamChunk d = one("{\"choices\":[7,{\"index\":99999999999,\"delta\":\"text\",\"logprobs\":[1]}]}");
        assertThat(d.choices()).hasSize(1);
        assertThat(d.choices().get(0).index()).isEmpty();
        assertThat(d.choices().get(0).delta()).isEmpty();
    }

    @Test
    void emptyChoicesAndEmptyPlaceholders() {
        StreamChunk c = one("{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"usage\":{}}");
        assertThat(c.choices()).isEmpty();
        assertThat(c.id()).isEmpty();
        assertThat(c.model()).isEmpty();
        assertThat(c.object()).isEmpty();
        assertThat(c.created()).isEmpty();
        assertThat(c.usage()).as("usage:{} carries nothing").isEmpty();
    }

    @Test
    void malformedJsonThrowsWithExcerpt() {
        assertThatThrownBy(() -> decoder.decode("message", "{\"id\":\"abc\",\"choices\":[{\"delta\":"))
                .isInstanceOf(StreamFormatException.class)
                .satisfies(e -> assertThat(((StreamFormatException) e).excerpt()).contains("\"id\":\"abc\""))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> decoder.decode("message", "hello world"))
                .isInstanceOf(StreamFormatException.class)
                .satisfies(e -> assertThat(((StreamFormatException) e).excerpt()).isEqualTo("hello world"));
        assertThatThrownBy(() -> decoder.decode("message", "[1,2]")).isInstanceOf(StreamFormatException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> decoder.decode("message", "{\"a\":1} trailing")).isInstanceOf(StreamFormatException.class);
        String longData = "{\"content\":\"" + "x".repeat(5000);
        assertThatThrownBy(() -> decoder.decode("message", longData))
                .satisfies(e -> assertThat(((StreamFormatException) e).excerpt().length()).isLessThanOrEqualTo(210));
    }

    @Test
    void customFactoryIsUsed() {
        JsonFactory shallow = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(3).build()).build();
        ChunkDecoder d = ChunkDecoder.openAi(shallow);
        assertThat(d.decode("message", "{\"choices\":[]}")).hasSize(1);
        assertThatThrownBy(() -> d.decode("message", "{\"a\":{\"b\":{\"c\":{\"d\":1}}}}"))
                .isInstanceOf(StreamFormatException.class);
    }

    @Test
    void severalJsonObjectsInOneEvent() {
        List<StreamChunk> chunks = decoder.decode("message",
                "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n{\"choices\":[{\"delta\":{\"content\":\"b\"}}]}");
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(1).choices().get(0).delta().orElseThrow().content()).contains("b");
    }

    @Test
    void namedNonChatEventsAreIgnoredWhateverTheirData() {
        assertThat(decoder.decode("ping", "{\"type\":\"ping\"}")).isEmpty();
        assertThat(decoder.decode("ping", "not json")).isEmpty();
        assertThat(decoder.decode("keepalive", "")).isEmpty();
    }

    @Test
    void errorShapes() {
        ErrorDetail nested = one("{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":\"p\",\"code\":7}}").error().orElseThrow();
        assertThat(nested).isEqualTo(ErrorDetail.of("m", "t", "7", "p"));
        assertThat(one("{\"error\":\"plain text\"}").error().orElseThrow().message()).isEqualTo("plain text");
        StreamChunk flat = one("{\"object\":\"error\",\"message\":\"m2\",\"type\":\"BadRequestError\",\"code\":400,\"param\":null}");
        assertThat(flat.error().orElseThrow()).isEqualTo(ErrorDetail.of("m2", "BadRequestError", "400", null));
        assertThat(flat.extras()).isEmpty();
        StreamChunk typeError = one("{\"type\":\"error\",\"code\":\"c\",\"message\":\"m3\",\"sequence_number\":4}");
        assertThat(typeError.error().orElseThrow()).isEqualTo(ErrorDetail.of("m3", null, "c", null));
        assertThat(typeError.extras()).containsOnlyKeys("sequence_number");
        StreamChunk beside = one("{\"id\":\"x\",\"error\":{\"code\":502,\"message\":\"gone\",\"metadata\":{\"raw\":\"r\"}},"
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}");
        assertThat(beside.error().orElseThrow()).isEqualTo(ErrorDetail.of("gone", null, "502", null));
        assertThat(beside.choices().get(0).finishReason()).contains("error");
        assertThat(one("{\"id\":\"x\",\"type\":\"message\",\"message\":\"not an error\"}").error()).isEmpty();
    }

    @Test
    void errorEventsAlwaysGiveAnErrorChunk() {
        assertThat(decoder.decode("error", "{\"message\":\"flat\",\"code\":\"c\"}").get(0).error().orElseThrow())
                .isEqualTo(ErrorDetail.of("flat", null, "c", null));
        assertThat(decoder.decode("error", "{\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}").get(0)
                .error().orElseThrow()).isEqualTo(ErrorDetail.of("busy", "overloaded_error", null, null));
        assertThat(decoder.decode("error", "upstream timed out").get(0).error().orElseThrow().message())
                .isEqualTo("upstream timed out");
        assertThat(decoder.decode("error", "{broken").get(0).error().orElseThrow().message()).isEqualTo("{broken");
        assertThat(decoder.decode("error", "").get(0).error().orElseThrow().message()).isEqualTo("unknown error");
        assertThat(decoder.decode("error", "{}").get(0).error()).isPresent();
    }

    @Test
    void unknownSseFields() {
        assertThat(decoder.decodeField("error", "{\"code\":400,\"message\":\"ctx\",\"type\":\"invalid_request_error\"}")
                .get(0).error().orElseThrow()).isEqualTo(ErrorDetail.of("ctx", "invalid_request_error", "400", null));
        assertThat(decoder.decodeField("error", "model not loaded").get(0).error().orElseThrow().message())
                .isEqualTo("model not loaded");
        assertThat(decoder.decodeField("x-debug", "{\"a\":1}")).isEmpty();
        ChunkDecoder plain = new ChunkDecoder() {
            @Override
            public boolean isEndOfStream(String eventName, String data) {
                return false;
            }

            @Override
            public List<StreamChunk> decode(String eventName, String data) {
                return List.of();
            }
        };
        assertThat(plain.decodeField("error", "x")).isEmpty();
    }

    @Test
    void deltaVariants() {
        Delta d = one("{\"choices\":[{\"delta\":{\"role\":\"Assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                + "{\"type\":\"image\"},\"b\"],\"reasoning_content\":\"r\",\"reasoning\":\"r\",\"refusal\":\"no\","
                + "\"function_call\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\"\"},"
                + "\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"g\",\"arguments\":{\"city\":\"Rome\"}}}],"
                + "\"annotations\":[{\"type\":\"url_citation\"}]}}]}").choices().get(0).delta().orElseThrow();
        assertThat(d.role()).contains(Role.ASSISTANT);
        assertThat(d.content()).contains("ab");
        assertThat(d.reasoning()).contains("r");
        assertThat(d.refusal()).contains("no");
        assertThat(d.functionCall().orElseThrow().name()).contains("f");
        assertThat(d.functionCall().orElseThrow().arguments()).isEqualTo("{\"x\"");
        assertThat(d.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Rome\"}");
        assertThat(d.annotations()).hasSize(1);
        Delta unknownRole = one("{\"choices\":[{\"delta\":{\"role\":\"critic\"}}]}").choices().get(0).delta().orElseThrow();
        assertThat(unknownRole.role()).isEmpty();
        assertThat(unknownRole.rawRole()).contains("critic");
        Delta both = one("{\"choices\":[{\"delta\":{\"reasoning_content\":\"a\",\"reasoning\":\"b\"}}]}")
                .choices().get(0).delta().orElseThrow();
        assertThat(both.reasoning()).contains("ab");
        Choice msg = one("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"whole\"},"
                + "\"finish_reason\":\"stop\"}]}").choices().get(0);
        assertThat(msg.delta().orElseThrow().content()).contains("whole");
    }

    @Test
    void decoderIsSharedAndStateless() {
        assertThat(ChunkDecoder.openAi()).isSameAs(ChunkDecoder.openAi());
        String json = "{\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}";
        assertThat(decoder.decode("message", json)).isEqualTo(decoder.decode(null, json));
    }

    @Test
    void repeatedIdsAndModelsReadTheCurrentValueWhateverCameBefore() {
        String[] ids = {"chatcmpl-a", "chatcmpl-a", "chatcmpl-b", "chatcmpl-ab", "chatcmpl-a", "x".repeat(100)};
        for (String id : ids) {
            StreamChunk c = one("{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"model\":\"m-" + id
                    + "\",\"system_fingerprint\":\"fp\",\"service_tier\":\"default\",\"choices\":[]}");
            assertThat(c.id()).contains(id);
            assertThat(c.model()).contains("m-" + id);
            assertThat(c.object()).contains("chat.completion.chunk");
            assertThat(c.systemFingerprint()).contains("fp");
            assertThat(c.serviceTier()).contains("default");
        }
        assertThat(one("{\"id\":12,\"choices\":[]}").id()).contains("12");
        assertThat(one("{\"id\":\"chatcmpl-\\u0061\",\"choices\":[]}").id()).contains("chatcmpl-a");
        assertThat(one("{\"choices\":[]}").id()).isEmpty();
    }

    @Test
    void streamsDecodedConcurrentlyKeepTheirOwnIds() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String id = "chatcmpl-" + t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20_000; i++) {
                        StreamChunk c = decoder.decode("message", "{\"id\":\"" + id + "\",\"choices\":[]}").get(0);
                        ok += c.id().orElseThrow().equals(id) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get()).isEqualTo(20_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
