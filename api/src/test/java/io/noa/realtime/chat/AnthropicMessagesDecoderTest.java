package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.ErrorDetail;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.chat.StreamingMessage.ChoiceState;
import io.noa.realtime.chat.StreamingMessage.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Anthropic Messages dialect over the project's own fixtures: one test per event type and error shape. */
class AnthropicMessagesDecoderTest {
    private static final Dialect D = Dialect.ANTHROPIC_MESSAGES;

    private static DialectRun.Result run(String name) {
        return DialectRun.fixture(D, name);
    }

    @Test
    void textBlocksPingAndMessageStopGiveTheWholeMessage() {
        DialectRun.Result r = run("anthropic-text.sse");
        StreamingMessage m = r.message();
        assertThat(r.endedByRule()).as("message_stop ends the stream").isTrue();
        assertThat(r.eventsAfterEnd()).isEqualTo(1);
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.responseId()).contains("msg_noa_a01");
        assertThat(m.model()).contains("claude-noa-1");
        assertThat(m.choices()).hasSize(1);
        ChoiceState c = m.choices().get(0);
        assertThat(c.role()).contains(Role.ASSISTANT);
        assertThat(m.content()).isEqualTo("Tides turn twice a day — Zoë 🌊.");
        assertThat(c.reasoning()).isEmpty();
        assertThat(c.refusal()).isEmpty();
        assertThat(m.toolCalls()).isEmpty();
        assertThat(m.finishReason()).contains(FinishReason.STOP);
        assertThat(m.rawFinishReason()).contains("end_turn");
        Usage u = m.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(21);
        assertThat(u.completionTokens()).as("message_delta's output_tokens replaces message_start's").isEqualTo(9);
        assertThat(u.totalTokens()).isEqualTo(30);
        assertThat(u.details()).containsKeys("cache_creation_input_tokens", "cache_read_input_tokens", "service_tier");
        assertThat(u.details().get("cache_read_input_tokens").asInt()).isEqualTo(8);
        assertThat(m.error()).isEmpty();
        // ping gave no chunk; message_start, three deltas and message_delta did
        assertThat(r.chunks()).hasSize(5);
    }

    @Test
    void toolUseBlocksBecomeToolCallsWithAccumulatedJsonArguments() {
        StreamingMessage m = run("anthropic-tool-use.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(m.content()).isEqualTo("Checking both ports.");
        List<ToolCall> calls = m.toolCalls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).index()).hasValue(0);
        assertThat(calls.get(0).id()).contains("toolu_noa_A");
        assertThat(calls.get(0).type()).contains("function");
        assertThat(calls.get(0).name()).contains("tide_table");
        assertThat(calls.get(0).arguments()).isEqualTo("{\"port\": \"Brest\", \"days\": 2}");
        assertThat(calls.get(0).argumentsJson()).isPresent();
        assertThat(calls.get(1).index()).hasValue(1);
        assertThat(calls.get(1).id()).contains("toolu_noa_B");
        assertThat(calls.get(1).name()).contains("now");
        assertThat(calls.get(1).arguments()).as("a tool without input_json_delta keeps its input").isEqualTo("{}");
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(m.rawFinishReason()).contains("tool_use");
        assertThat(m.usage().orElseThrow().completionTokens()).isEqualTo(57);
        // the assistant turn replays as Anthropic blocks
        assertThat(Message.assistant(m).toolCalls()).hasSize(2);
    }

    @Test
    void thinkingSignatureRedactedThinkingCitationsAndMaxTokens() {
        StreamingMessage m = run("anthropic-thinking-citations-max-tokens.sse").message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        ChoiceState c = m.choices().get(0);
        assertThat(c.reasoning()).isEqualTo("The moon pulls; two bulges.");
        assertThat(c.content()).isEqualTo("Two tides a day.");
        assertThat(c.extras().get("thinking_signature").asText()).isEqualTo("sig-noa-123");
        assertThat(c.extras().get("redacted_thinking").get("data").asText()).isEqualTo("opaque-noa");
        assertThat(c.annotations()).hasSize(1);
        assertThat(c.annotations().get(0).get("cited_text").asText()).isEqualTo("two tides");
        assertThat(m.finishReason()).contains(FinishReason.LENGTH);
        assertThat(m.rawFinishReason()).contains("max_tokens");
        assertThat(m.toolCalls()).isEmpty();
    }

    @Test
    void errorEventKeepsThePartialContentAndEndsInError() {
        StreamingMessage m = run("anthropic-error-midstream.sse").message();
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(m.content()).isEqualTo("Half an ans");
        ErrorDetail e = m.error().orElseThrow();
        assertThat(e.type()).contains("overloaded_error");
        assertThat(e.message()).isEqualTo("Overloaded");
        assertThat(m.usage().orElseThrow().promptTokens()).isEqualTo(12);
        assertThat(m.finishReason()).isEmpty();
    }

    @Test
    void errorEventWhoseDataIsNotJsonIsAnErrorWithThatText() {
        StreamingMessage m = run("anthropic-error-not-json.sse").message();
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(m.content()).isEqualTo("Cut");
        assertThat(m.error().orElseThrow().message()).isEqualTo("upstream connect error");
    }

    @Test
    void eofWithoutStopReasonIsTruncated() {
        StreamingMessage m = run("anthropic-eof-truncated.sse").message();
        assertThat(m.state()).isEqualTo(State.TRUNCATED);
        assertThat(m.content()).isEqualTo("Still");
    }

    @Test
    void typeIsReadFromTheDataWhenEventLinesAreMissingAndALastEventCutAtEofCounts() {
        DialectRun.Result r = run("anthropic-no-event-lines.sse");
        StreamingMessage m = r.message();
        assertThat(m.state()).isEqualTo(State.COMPLETED);
        assertThat(r.endedByRule()).as("message_stop arrived without its blank line").isTrue();
        assertThat(m.content()).as("text in content_block_start counts").isEqualTo("Hi there");
        assertThat(m.rawFinishReason()).contains("stop_sequence");
        assertThat(m.finishReason()).contains(FinishReason.STOP);
        assertThat(m.choices().get(0).extras().get("stop_sequence").asText()).isEqualTo("###");
    }

    @Test
    void sameResultWhateverTheReadSizes() {
        byte[] bytes = TestSse.resource("dialects/anthropic-tool-use.sse");
        StreamingMessage whole = DialectRun.run(D, bytes, Integer.MAX_VALUE).message();
        for (int piece : new int[] {1, 2, 7, 64}) {
            StreamingMessage m = DialectRun.run(D, bytes, piece).message();
            assertThat(m.content()).isEqualTo(whole.content());
            assertThat(m.toolCalls()).isEqualTo(whole.toolCalls());
            assertThat(m.usage()).isEqualTo(whole.usage());
        }
    }

    @Test
    void wholeNonStreamedMessageDecodes() {
        List<StreamChunk> chunks = D.newDecoder().decode("message", "{\"id\":\"msg_w\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-noa-1\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\"},"
                + "{\"type\":\"text\",\"text\":\"Sunny.\"},{\"type\":\"tool_use\",\"id\":\"toolu_w\",\"name\":\"wx\","
                + "\"input\":{\"city\":\"Oslo\"}}],\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}");
        ChunkAccumulator acc = new ChunkAccumulator("w");
        chunks.forEach(acc::accept);
        StreamingMessage m = acc.complete();
        assertThat(m.content()).isEqualTo("Sunny.");
        assertThat(m.choices().get(0).reasoning()).isEqualTo("hm");
        assertThat(m.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(7);
    }

    @Test
    void badDataOfAChatEventIsAStreamFormatException() {
        assertThatThrownBy(() -> D.newDecoder().decode("content_block_delta", "{\"type\":"))
                .isInstanceOf(StreamFormatException.class);
        assertThat(D.newDecoder().decode("ping", "")).isEmpty();
        assertThat(D.newDecoder().isEndOfStream("message", "[DONE]")).isTrue();
        assertThat(D.endsStream("message_stop")).isTrue();
        assertThat(D.endsStream("message_delta")).isFalse();
    }
}
