package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.ErrorDetail;
import io.noa.realtime.chat.StreamingMessage.ChoiceState;
import io.noa.realtime.chat.StreamingMessage.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAI Responses dialect over the project's own fixtures: one test per event type and error shape. */
class OpenAiResponsesDecoderTest {
    private static final Dialect D = Dialect.OPENAI_RESPONSES;

    private static DialectRun.Result run(String name) {
        return DialectRun.fixture(D, name);
    }

    @Test
    void textDeltasAnnotationAndCompletedWithUsage() {
        DialectRun.Result r = run("responses-text.sse");
        StreamingMessage m = r.message();
        assertThat(r.endedByRule()).isTrue();
        assertThat(r.eventsAfterEnd()).as("an event after response.completed changes nothing").isEqualTo(1);
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.responseId()).contains("resp_noa_r01");
        assertThat(m.model()).contains("gpt-noa-r1");
        assertThat(m.created()).hasValue(1790000001L);
        assertThat(m.serviceTier()).contains("auto");
        ChoiceState c = m.choices().get(0);
        assertThat(c.role()).contains(Role.ASSISTANT);
        assertThat(m.content()).as("output_text.done and output_item.done do not repeat the text")
                .isEqualTo("High tide at 06:12.");
        assertThat(c.annotations()).hasSize(1);
        assertThat(c.annotations().get(0).get("url").asText()).isEqualTo("https://example.org/tides");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
        assertThat(m.rawFinishReason()).contains("completed");
        Usage u = m.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(15);
        assertThat(u.completionTokens()).isEqualTo(7);
        assertThat(u.totalTokens()).isEqualTo(22);
        assertThat(u.details().get("input_tokens_details").get("cached_tokens").asInt()).isEqualTo(4);
        assertThat(m.error()).isEmpty();
    }

    @Test
    void functionCallItemsBecomeToolCalls() {
        StreamingMessage m = run("responses-function-calls.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.content()).isEmpty();
        List<ToolCall> calls = m.toolCalls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).index()).hasValue(0);
        assertThat(calls.get(0).id()).contains("call_noa_1");
        assertThat(calls.get(0).name()).contains("tide_table");
        assertThat(calls.get(0).arguments()).as("arguments.done and item.done add nothing after deltas")
                .isEqualTo("{\"port\":\"Brest\"}");
        assertThat(calls.get(1).index()).hasValue(1);
        assertThat(calls.get(1).id()).contains("call_noa_2");
        assertThat(calls.get(1).name()).contains("now");
        assertThat(calls.get(1).arguments()).as("a call seen only in output_item.done").isEqualTo("{\"tz\":\"UTC\"}");
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(m.rawFinishReason()).contains("completed");
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(58);
    }

    @Test
    void reasoningSummaryUnknownEventAndIncomplete() {
        DialectRun.Result r = run("responses-reasoning-incomplete.sse");
        StreamingMessage m = r.message();
        assertThat(r.endedByRule()).isTrue();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        ChoiceState c = m.choices().get(0);
        assertThat(c.reasoning()).isEqualTo("Moon first, then sun.");
        assertThat(c.content()).isEqualTo("Springs and neaps");
        assertThat(m.finishReason()).contains(FinishReason.LENGTH);
        assertThat(m.rawFinishReason()).contains("max_output_tokens");
        assertThat(m.usage().orElseThrow().details().get("output_tokens_details").get("reasoning_tokens").asInt())
                .isEqualTo(12);
    }

    @Test
    void refusalDeltas() {
        StreamingMessage m = run("responses-refusal.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.choices().get(0).refusal()).isEqualTo("I can't help with that.");
        assertThat(m.content()).isEmpty();
    }

    @Test
    void failedResponseIsAnErrorKeepingPartialContentAndUsage() {
        DialectRun.Result r = run("responses-failed.sse");
        StreamingMessage m = r.message();
        assertThat(r.endedByRule()).isTrue();
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(m.content()).isEqualTo("Partial");
        ErrorDetail e = m.error().orElseThrow();
        assertThat(e.code()).contains("server_error");
        assertThat(e.message()).isEqualTo("The model crashed.");
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(4);
    }

    @Test
    void flatErrorEvent() {
        StreamingMessage m = run("responses-error-flat.sse").message();
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(m.responseId()).isEmpty();
        assertThat(m.content()).isEmpty();
        ErrorDetail e = m.error().orElseThrow();
        assertThat(e.code()).contains("invalid_prompt");
        assertThat(e.message()).isEqualTo("The prompt was flagged.");
        assertThat(e.param()).contains("input");
        assertThat(m.usage()).isEmpty();
    }

    @Test
    void nestedErrorEventThenFailedKeepsTheFirstErrorAndTheLaterUsageButNoLaterText() {
        DialectRun.Result r = run("responses-error-nested-then-failed.sse");
        StreamingMessage m = r.message();
        assertThat(r.endedByRule()).isTrue();
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(m.content()).isEqualTo("Before");
        ErrorDetail e = m.error().orElseThrow();
        assertThat(e.type()).contains("insufficient_quota");
        assertThat(e.code()).contains("insufficient_quota");
        assertThat(e.message()).isEqualTo("Quota exceeded.");
        assertThat(m.usage().orElseThrow().totalTokens()).as("usage after the error is kept").isEqualTo(4);
    }

    @Test
    void textOnlyInDoneEventsWithoutEventLinesAndALastEventCutAtEof() {
        StreamingMessage m = run("responses-done-only-no-event-lines.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.content()).isEqualTo("Whole text.");
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(4);
    }

    @Test
    void sameResultWhateverTheReadSizes() {
        byte[] bytes = TestSse.resource("dialects/responses-function-calls.sse");
        StreamingMessage whole = DialectRun.run(D, bytes, Integer.MAX_VALUE).message();
        for (int piece : new int[] {1, 3, 17}) {
            StreamingMessage m = DialectRun.run(D, bytes, piece).message();
            assertThat(m.toolCalls()).isEqualTo(whole.toolCalls());
            assertThat(m.usage()).isEqualTo(whole.usage());
        }
    }

    @Test
    void wholeNonStreamedResponseDecodes() {
        List<StreamChunk> chunks = D.newDecoder().decode("message", "{\"id\":\"resp_w\",\"object\":\"response\","
                + "\"created_at\":1790000009,\"status\":\"completed\",\"model\":\"gpt-noa-r1\",\"output\":["
                + "{\"id\":\"msg_w\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"Sunny.\",\"annotations\":[]}]},{\"id\":\"fc_w\",\"type\":\"function_call\","
                + "\"call_id\":\"call_w\",\"name\":\"wx\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}],"
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"total_tokens\":7}}");
        ChunkAccumulator acc = new ChunkAccumulator("w");
        chunks.forEach(acc::accept);
        StreamingMessage m = acc.complete();
        assertThat(m.responseId()).contains("resp_w");
        assertThat(m.content()).isEqualTo("Sunny.");
        assertThat(m.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.id()).contains("call_w");
            assertThat(c.name()).contains("wx");
            assertThat(c.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
        });
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(7);
    }

    @Test
    void endRule() {
        assertThat(D.endsStream("response.completed")).isTrue();
        assertThat(D.endsStream("response.incomplete")).isTrue();
        assertThat(D.endsStream("response.failed")).isTrue();
        assertThat(D.endsStream("error")).isFalse();
        assertThat(D.endsStream("response.output_text.delta")).isFalse();
    }
}
