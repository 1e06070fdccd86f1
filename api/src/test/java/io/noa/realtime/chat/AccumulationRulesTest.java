package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.chat.StreamingMessage.State;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three accumulation rules of issue 15, for every dialect. */
class AccumulationRulesTest {

    @Test
    void usageAfterAnErrorIsKeptButLaterContentIsNot() {
        TestSse.Result r = TestSse.fixture("16h-error-then-usage.sse");
        StreamingMessage m = r.message();
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(m.content()).isEqualTo("Once");
        assertThat(m.error().orElseThrow().code()).contains("worker_crash");
        assertThat(m.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(9));
    }

    @Test
    void usageIsNotTakenOnceTheMessageEnded() {
        ChunkAccumulator acc = new ChunkAccumulator("m");
        acc.accept(StreamChunk.ofError(io.noa.realtime.ErrorDetail.of("boom", null, null, null)));
        acc.complete();
        StreamingMessage m = acc.accept(StreamChunk.builder().usage(Usage.of(1, 1, 2, java.util.Map.of())).build());
        assertThat(m.usage()).isEmpty();
        ChunkAccumulator cancelled = new ChunkAccumulator("c");
        cancelled.cancel();
        assertThat(cancelled.accept(StreamChunk.builder().usage(Usage.of(1, 1, 2, java.util.Map.of())).build()).usage())
                .isEmpty();
    }

    @Test
    void wholeToolCallsWithoutIndexAndIdAreSeparateWhenTheNextCarriesAName() {
        StreamingMessage m = TestSse.fixture("13b-whole-calls-no-index-no-id.sse").message();
        List<ToolCall> calls = m.toolCalls();
        assertThat(calls).extracting(ToolCall::arguments)
                .containsExactly("{\"x\":1}", "{\"y\":2}", "{\"day\":3}");
        assertThat(calls).extracting(c -> c.name().orElseThrow()).containsExactly("tide_at", "tide_at", "moon_phase");
        assertThat(calls).extracting(c -> c.index().getAsInt()).containsExactly(0, 1, 2);
        assertThat(calls).allSatisfy(c -> assertThat(c.argumentsJson()).isPresent());
        assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
    }

    @Test
    void aFinalChatEventWithoutItsBlankLineIsAcceptedWhenItIsCompleteJson() {
        DialectRun.Result r = DialectRun.run(Dialect.OPENAI_CHAT, TestSse.resource("eof-final-event-without-blank-line.sse"), 5);
        assertThat(r.message().state()).isEqualTo(State.COMPLETED);
        assertThat(r.message().content()).isEqualTo("Trimmed tail");
        assertThat(r.message().rawFinishReason()).contains("stop");

        DialectRun.Result cut = DialectRun.run(Dialect.OPENAI_CHAT, TestSse.resource("eof-final-event-cut-inside-json.sse"), 5);
        assertThat(cut.message().state()).isEqualTo(State.TRUNCATED);
        assertThat(cut.message().content()).isEqualTo("Cut");
    }

    @Test
    void theSseParserStillDiscardsAnUnterminatedEventByDefault() {
        List<SseEvent> events = new ArrayList<>();
        SseParser whatwg = new SseParser(events::add);
        byte[] bytes = "data: one\n\ndata: {\"two\":2}\n".getBytes(StandardCharsets.UTF_8);
        whatwg.feed(bytes, 0, bytes.length);
        whatwg.finish();
        assertThat(events).extracting(SseEvent::data).containsExactly("one");

        List<SseEvent> offered = new ArrayList<>();
        SseParser lenient = new SseParser(new SseParser.Handler() {
            @Override
            public void onEvent(SseEvent event) {
                offered.add(event);
            }

            @Override
            public void onUnterminatedEvent(SseEvent event) {
                offered.add(event);
            }
        });
        byte[] noNewline = "data: one\n\nevent: last\ndata: {\"two\"\ndata: :2}".getBytes(StandardCharsets.UTF_8);
        lenient.feed(noNewline, 0, noNewline.length);
        lenient.finish();
        assertThat(offered).extracting(SseEvent::data).containsExactly("one", "{\"two\"\n:2}");
        assertThat(offered.get(1).event()).isEqualTo("last");
        // the parser is reset: a new stream starts clean
        byte[] next = "data: fresh\n\n".getBytes(StandardCharsets.UTF_8);
        lenient.feed(next, 0, next.length);
        assertThat(offered).extracting(SseEvent::data).endsWith("fresh");
    }
}
