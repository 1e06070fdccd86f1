package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ErrorDetail;
import io.noa.realtime.chat.StreamingMessage.ChoiceState;
import io.noa.realtime.chat.StreamingMessage.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per row of CHAT-STREAM-VARIANTS.md, each over the project's own fixture. */
class ChatStreamVariantsTest {

    private static void assertCall(ToolCall call, int index, String id, String name, String arguments) {
        assertThat(call.index()).hasValue(index);
        assertThat(call.id()).contains(id);
        assertThat(call.type()).contains("function");
        assertThat(call.name()).contains(name);
        assertThat(call.arguments()).isEqualTo(arguments);
        assertThat(call.argumentsJson()).isPresent();
    }

    private static void assertNoText(ChoiceState c, String... except) {
        List<String> ex = List.of(except);
        if (!ex.contains("content")) {
            assertThat(c.content()).isEmpty();
        }
        if (!ex.contains("reasoning")) {
            assertThat(c.reasoning()).isEmpty();
        }
        if (!ex.contains("refusal")) {
            assertThat(c.refusal()).isEmpty();
        }
        if (!ex.contains("toolCalls")) {
            assertThat(c.toolCalls()).isEmpty();
        }
        assertThat(c.functionCall()).isEmpty();
    }

    @Test
    void row01_plain() {
        TestSse.Result r = TestSse.fixture("01-plain.sse");
        StreamingMessage m = r.message();
        assertThat(m.id()).isEqualTo("msg-test");
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.isStreaming()).isFalse();
        assertThat(r.sawDone()).isTrue();
        assertThat(m.responseId()).contains("cmpl-noa-0001");
        assertThat(m.model()).contains("noa-mini-1");
        assertThat(m.created()).hasValue(1710000001L);
        assertThat(m.systemFingerprint()).contains("fp_noa01");
        assertThat(m.choices()).hasSize(1);
        ChoiceState c = m.choices().get(0);
        assertThat(c.role()).contains(Role.ASSISTANT);
        assertThat(c.content()).isEqualTo("The river runs north.");
        assertThat(m.content()).isEqualTo("The river runs north.");
        assertNoText(c, "content");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
        assertThat(m.rawFinishReason()).contains("stop");
        Usage u = m.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(12);
        assertThat(u.completionTokens()).isEqualTo(5);
        assertThat(u.totalTokens()).isEqualTo(17);
        assertThat(u.reasoningTokens()).hasValue(0L);
        assertThat(m.error()).isEmpty();
        assertThat(m.failure()).isEmpty();
        assertThat(m.extras()).isEmpty();
        assertThat(m.chunkCount()).isEqualTo(7);
    }

    @Test
    void row02_parallelToolCalls() {
        StreamingMessage m = TestSse.fixture("02-parallel-tool-calls.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.content()).isEmpty();
        List<ToolCall> calls = m.toolCalls();
        assertThat(calls).hasSize(2);
        assertCall(calls.get(0), 0, "call_noa_A1", "lookup_train", "{\"from\": \"Bergen\", \"to\": \"Oslo\"}");
        assertCall(calls.get(1), 1, "call_noa_B2", "get_fare", "{\"class\": 2, \"youth\": true}");
        assertThat(calls.get(0).parseArguments().get("to").asText()).isEqualTo("Oslo");
        assertThat(calls.get(1).parseArguments().get("youth").asBoolean()).isTrue();
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(m.rawFinishReason()).contains("tool_calls");
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(111);
    }

    @Test
    void row03_threeChoicesInterleaved() {
        StreamingMessage m = TestSse.fixture("03-n3-interleaved.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.choices()).extracting(ChoiceState::index).containsExactly(0, 1, 2);
        assertThat(m.choices()).extracting(ChoiceState::content).containsExactly("Red apple", "Green pear", "Blue plum");
        assertThat(m.choices()).allSatisfy(c -> {
            assertThat(c.finishReason()).contains(FinishReason.STOP);
            assertThat(c.role()).contains(Role.ASSISTANT);
            assertNoText(c, "content");
        });
        assertThat(m.choice(2).orElseThrow().content()).isEqualTo("Blue plum");
        assertThat(m.choice(3)).isEmpty();
        assertThat(m.usage().orElseThrow().completionTokens()).isEqualTo(12);
    }

    @Test
    void row04_finishLengthAndContentFilter() {
        StreamingMessage m = TestSse.fixture("04-finish-length-content-filter.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        ChoiceState c0 = m.choice(0).orElseThrow();
        assertThat(c0.content()).isEqualTo("{\"items\": [1, ");
        assertThat(c0.finishReason()).contains(FinishReason.LENGTH);
        assertThat(c0.rawFinishReason()).contains("length");
        ChoiceState c1 = m.choice(1).orElseThrow();
        assertThat(c1.content()).isEqualTo("Here is how to");
        assertThat(c1.finishReason()).contains(FinishReason.CONTENT_FILTER);
        assertThat(c1.rawFinishReason()).contains("content_filter");
        assertThat(m.usage()).isEmpty();
    }

    @Test
    void row05_refusal() {
        StreamingMessage m = TestSse.fixture("05-refusal.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.refusal()).isEqualTo("Sorry, I can't help with that.");
        assertThat(m.content()).isEmpty();
        assertNoText(m.choices().get(0), "refusal");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
    }

    @Test
    void row06_logprobs() {
        StreamingMessage m = TestSse.fixture("06-logprobs.sse").message();
        ChoiceState c = m.choices().get(0);
        assertThat(c.content()).isEqualTo("Hi there");
        assertThat(c.logprobs()).extracting(n -> n.get("token").asText()).containsExactly("Hi", " the", "re");
        assertThat(c.logprobs().get(1).get("logprob").asDouble()).isEqualTo(-0.2);
        assertThat(c.refusalLogprobs()).isEmpty();
        assertThat(m.finishReason()).contains(FinishReason.STOP);
    }

    @Test
    void row07_azureFirstChunk() {
        StreamingMessage m = TestSse.fixture("07-azure-prompt-filter-first-chunk.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.responseId()).contains("cmpl-noa-0007");
        assertThat(m.model()).contains("noa-azure-4");
        assertThat(m.created()).hasValue(1710000007L);
        assertThat(m.content()).isEqualTo("Guten Tag");
        assertThat(m.extras()).containsOnlyKeys("prompt_filter_results");
        assertThat(m.extras().get("prompt_filter_results").get(0).get("prompt_index").asInt()).isZero();
        // the empty {} on the finish chunk does not erase the last real filter result
        JsonNode cfr = m.choices().get(0).extras().get("content_filter_results");
        assertThat(cfr.path("hate").path("severity").asText()).isEqualTo("safe");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
    }

    @Test
    void row08_unknownFields() {
        StreamingMessage m = TestSse.fixture("08-unknown-fields.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.content()).isEqualTo("Yes, sure");
        assertThat(m.serviceTier()).contains("default");
        assertThat(m.systemFingerprint()).isEmpty();
        assertThat(m.extras()).containsOnlyKeys("obfuscation", "latency_checkpoint");
        assertThat(m.extras().get("latency_checkpoint").get("engine_ttft_ms").asInt()).isEqualTo(11);
        Usage u = m.usage().orElseThrow();
        assertThat(u.totalTokens()).isEqualTo(10);
        assertThat(u.cachedTokens()).hasValue(0L);
        assertThat(u.details()).containsOnlyKeys("completion_tokens_details", "prompt_tokens_details");
    }

    @Test
    void row09_asyncFilterAfterFinish() {
        TestSse.Result r = TestSse.fixture("09-azure-async-filter-after-finish.sse");
        StreamingMessage m = r.message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.content()).isEqualTo("Calm seas");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
        assertThat(m.choices()).hasSize(1);
        assertThat(m.choices().get(0).extras()).containsKeys("content_filter_offsets", "content_filter_results");
        assertThat(m.responseId()).contains("cmpl-noa-0009");
        assertThat(m.chunkCount()).isEqualTo(3);
    }

    @Test
    void row10_usageOnFinishChunk() {
        StreamingMessage m = TestSse.fixture("10-usage-on-finish-chunk.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.responseId()).contains("9b1c2d3e-noa-0010");
        assertThat(m.reasoning()).isEqualTo("Need the tide table.");
        assertThat(m.content()).isEmpty();
        assertThat(m.toolCalls()).hasSize(1);
        assertCall(m.toolCalls().get(0), 0, "call_00_noaTide", "tides", "{\"port\": \"Brest\"}");
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
        Usage u = m.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(200);
        assertThat(u.completionTokens()).isEqualTo(40);
        assertThat(u.totalTokens()).isEqualTo(240);
        assertThat(u.reasoningTokens()).hasValue(9L);
        assertThat(u.cachedTokens()).hasValue(128L);
        assertThat(u.details().get("prompt_cache_miss_tokens").asInt()).isEqualTo(72);
    }

    @Test
    void row11_usageOnEveryChunk() {
        StreamingMessage m = TestSse.fixture("11-usage-every-chunk.sse").message();
        assertThat(m.content()).isEqualTo("One two three");
        Usage u = m.usage().orElseThrow();
        assertThat(u.completionTokens()).isEqualTo(4);
        assertThat(u.totalTokens()).isEqualTo(10);
        assertThat(m.state()).isEqualTo(State.COMPLETED);
    }

    @Test
    void row12_reasoningInBothFields() {
        StreamingMessage m = TestSse.fixture("12-reasoning-both-fields.sse").message();
        assertThat(m.reasoning()).isEqualTo("First, count the legs");
        assertThat(m.content()).isEqualTo("Eight.");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
    }

    @Test
    void row13_toolCallQuirks() {
        StreamingMessage m = TestSse.fixture("13-tool-call-quirks.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.choices()).hasSize(4);
        // "" id/type are absent; the repeated name is set once; tool_calls:[] on text chunks is harmless
        ChoiceState c0 = m.choice(0).orElseThrow();
        assertThat(c0.content()).isEqualTo("Checking...");
        assertThat(c0.toolCalls()).hasSize(1);
        assertCall(c0.toolCalls().get(0), 0, "call_q0", "weather", "{\"city\":\"Lyon\"}");
        // no index: a new id is a new call, a fragment without id continues the last one
        ChoiceState c1 = m.choice(1).orElseThrow();
        assertThat(c1.toolCalls()).hasSize(2);
        assertCall(c1.toolCalls().get(0), 0, "call_q1a", "add", "{\"a\":1}");
        assertCall(c1.toolCalls().get(1), 1, "call_q1b", "mul", "{\"b\":2}");
        // all at index 0 with different ids: separate calls, in arrival order
        ChoiceState c2 = m.choice(2).orElseThrow();
        assertThat(c2.toolCalls()).hasSize(2);
        assertCall(c2.toolCalls().get(0), 0, "call_q2a", "open", "{\"door\":\"front\"}");
        assertCall(c2.toolCalls().get(1), 0, "call_q2b", "close", "{\"door\":\"back\"}");
        // a whole call plus finish in one chunk
        ChoiceState c3 = m.choice(3).orElseThrow();
        assertThat(c3.toolCalls()).hasSize(1);
        assertCall(c3.toolCalls().get(0), 0, "call_q3", "ping", "{}");
        assertThat(m.choices()).allSatisfy(c -> assertThat(c.finishReason()).contains(FinishReason.TOOL_CALLS));
    }

    @Test
    void row14_toolCallThenFinishStop() {
        StreamingMessage m = TestSse.fixture("14-tool-call-finish-stop.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.toolCalls()).hasSize(1);
        assertCall(m.toolCalls().get(0), 0, "call_olla1", "set_alarm", "{\"at\":\"07:30\"}");
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(m.rawFinishReason()).contains("stop");
        assertThat(m.content()).isEmpty();
        assertThat(m.systemFingerprint()).contains("fp_ollama");
    }

    @Test
    void row15_legacyFunctionCall() {
        StreamingMessage m = TestSse.fixture("15-legacy-function-call.sse").message();
        ChoiceState c = m.choices().get(0);
        ToolCall f = c.functionCall().orElseThrow();
        assertThat(f.name()).contains("find_book");
        assertThat(f.arguments()).isEqualTo("{\"isbn\":\"978-0\"}");
        assertThat(f.parseArguments().get("isbn").asText()).isEqualTo("978-0");
        assertThat(f.index()).isEmpty();
        assertThat(c.toolCalls()).isEmpty();
        assertThat(c.content()).isEmpty();
        assertThat(c.finishReason()).contains(FinishReason.FUNCTION_CALL);
        assertThat(m.state()).isEqualTo(State.COMPLETED);
    }

    private static void assertError(StreamingMessage m, String message, String type, String code) {
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(m.isStreaming()).isFalse();
        ErrorDetail e = m.error().orElseThrow();
        assertThat(e.message()).isEqualTo(message);
        if (type == null) {
            assertThat(e.type()).isEmpty();
        } else {
            assertThat(e.type()).contains(type);
        }
        if (code == null) {
            assertThat(e.code()).isEmpty();
        } else {
            assertThat(e.code()).contains(code);
        }
        assertThat(m.failure()).isEmpty();
    }

    @Test
    void row16a_nestedErrorWithoutDone() {
        TestSse.Result r = TestSse.fixture("16a-error-nested-no-done.sse");
        assertThat(r.sawDone()).isFalse();
        StreamingMessage m = r.message();
        assertError(m, "The upstream worker crashed.", "server_error", "worker_crash");
        assertThat(m.content()).isEqualTo("Once upon");
        assertThat(m.finishReason()).isEmpty();
        assertThat(m.error().orElseThrow().param()).isEmpty();
    }

    @Test
    void row16b_errorBesideFinishReasonError() {
        TestSse.Result r = TestSse.fixture("16b-error-beside-finish.sse");
        StreamingMessage m = r.message();
        assertError(m, "Provider went away", null, "502");
        assertThat(m.content()).isEqualTo("Half a");
        assertThat(m.finishReason()).contains(FinishReason.ERROR);
        assertThat(m.rawFinishReason()).contains("error");
        assertThat(m.extras()).containsOnlyKeys("provider");
        assertThat(r.comments()).isEqualTo(1);
    }

    @Test
    void row16c_flatObjectError() {
        TestSse.Result r = TestSse.fixture("16c-error-flat-object.sse");
        assertThat(r.sawDone()).isTrue();
        StreamingMessage m = r.message();
        assertError(m, "sampling failed", "BadRequestError", "400");
        assertThat(m.content()).isEqualTo("Par");
        assertThat(m.extras()).isEmpty();
    }

    @Test
    void row16d_nestedErrorThenDone() {
        TestSse.Result r = TestSse.fixture("16d-error-nested-then-done.sse");
        assertThat(r.sawDone()).isTrue();
        assertError(r.message(), "engine dead", "InternalServerError", "500");
        assertThat(r.message().content()).isEqualTo("Par");
    }

    @Test
    void row16e_llamaCppErrorField() {
        TestSse.Result r = TestSse.fixture("16e-error-sse-field.sse");
        assertThat(r.sawDone()).isTrue();
        StreamingMessage m = r.message();
        assertError(m, "slot unavailable, retry later", "server_error", "500");
        assertThat(m.choices()).isEmpty();
        assertThat(m.content()).isEmpty();
    }

    @Test
    void row16f_errorEventFlat() {
        StreamingMessage m = TestSse.fixture("16f-event-error-flat.sse").message();
        assertError(m, "Too many tokens per minute", null, "rate_limited");
        assertThat(m.content()).isEqualTo("Start");
    }

    @Test
    void row16g_errorEventNested() {
        StreamingMessage m = TestSse.fixture("16g-event-error-nested.sse").message();
        assertError(m, "Overloaded, try again", "overloaded_error", null);
        assertThat(m.content()).isEqualTo("Start");
        assertThat(m.extras()).isEmpty();
    }

    @Test
    void row17_commentsAreLivenessNotContent() {
        TestSse.Result r = TestSse.fixture("17-comments.sse");
        assertThat(r.comments()).isEqualTo(3);
        assertThat(r.message().content()).isEqualTo("tick tock");
        assertThat(r.message().state()).isEqualTo(State.COMPLETED);
        assertThat(r.message().chunkCount()).isEqualTo(2);
    }

    @Test
    void row18_framingGivesTheSameResultAsCleanFraming() {
        byte[] messy = TestSse.resource("18-framing.sse");
        StreamingMessage clean = TestSse.fixture("18-framing-clean.sse").message();
        assertThat(clean.content()).isEqualTo("Zoë\u2028says 日本 😀 ok");
        assertThat(clean.state()).isEqualTo(State.COMPLETED);
        for (int piece : new int[] {1, 2, 3, 5, 7, 64, Integer.MAX_VALUE}) {
            TestSse.Result r = TestSse.run(messy, piece);
            assertThat(r.sawDone()).as("piece %d", piece).isTrue();
            StreamingMessage m = r.message();
            assertThat(m.content()).as("piece %d", piece).isEqualTo(clean.content());
            assertThat(m.state()).isEqualTo(State.COMPLETED);
            assertThat(m.finishReason()).contains(FinishReason.STOP);
            assertThat(m.responseId()).isEqualTo(clean.responseId());
            assertThat(m.chunkCount()).isEqualTo(clean.chunkCount());
        }
    }

    @Test
    void row19_namedNonChatEventIgnored() {
        TestSse.Result r = TestSse.fixture("19-ping-event.sse");
        assertThat(r.ignoredEvents()).isEqualTo(2);
        assertThat(r.message().content()).isEqualTo("Pong? Pong!");
        assertThat(r.message().state()).isEqualTo(State.COMPLETED);
        assertThat(r.message().chunkCount()).isEqualTo(2);
    }

    @Test
    void row20_completeAtDoneWithoutWaitingForEof() {
        TestSse.Result r = TestSse.fixture("20-done-then-bytes.sse");
        assertThat(r.sawDone()).isTrue();
        // the junk and the comment after [DONE] were never decoded (decoding the junk would throw)
        assertThat(r.itemsLeftAfterDone()).isEqualTo(2);
        assertThat(r.message().state()).isEqualTo(State.COMPLETED);
        assertThat(r.message().content()).isEqualTo("Done soon");

        // [DONE] without a trailing blank line is never dispatched (WHATWG); EOF after the finish completes
        TestSse.Result noBlank = TestSse.fixture("20-done-no-trailing-blank-line.sse");
        assertThat(noBlank.sawDone()).isFalse();
        assertThat(noBlank.message().state()).isEqualTo(State.COMPLETED);
        assertThat(noBlank.message().content()).isEqualTo("Done soon");
    }

    @Test
    void row21_eofWithoutFinishIsTruncated() {
        TestSse.Result r = TestSse.fixture("21-eof-truncated.sse");
        StreamingMessage m = r.message();
        assertThat(m.state()).isEqualTo(State.TRUNCATED);
        assertThat(m.isStreaming()).isFalse();
        assertThat(m.content()).isEqualTo("The answer is forty");
        assertThat(m.finishReason()).isEmpty();
        assertThat(m.error()).isEmpty();
    }

    @Test
    void row22_placeholderAndUsageOnlyChunk() {
        StreamingMessage m = TestSse.fixture("22-placeholder-usage-only.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.responseId()).contains("cmpl-noa-0022");
        assertThat(m.model()).contains("noa-compat");
        assertThat(m.created()).hasValue(1710000022L);
        assertThat(m.content()).isEqualTo("Hej");
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(5);
        assertThat(m.extras()).isEmpty();
    }

    @Test
    void row23_annotationsKept() {
        StreamingMessage m = TestSse.fixture("23-annotations.sse").message();
        ChoiceState c = m.choices().get(0);
        assertThat(c.content()).isEqualTo("High tide at 06:12.");
        assertThat(c.annotations()).hasSize(1);
        JsonNode a = c.annotations().get(0);
        assertThat(a.get("type").asText()).isEqualTo("url_citation");
        assertThat(a.get("url_citation").get("url").asText()).isEqualTo("https://example.org/tides");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
    }
}
