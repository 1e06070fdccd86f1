package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.ErrorDetail;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.TransportException;
import io.noa.realtime.chat.StreamingMessage.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChunkAccumulatorTest {

    private static StreamChunk content(int choice, String text) {
        return StreamChunk.builder().addChoice(Choice.builder().index(choice)
                .delta(Delta.builder().content(text).build()).build()).build();
    }

    private static StreamChunk finish(int choice, String reason) {
        return StreamChunk.builder().addChoice(Choice.builder().index(choice)
                .delta(Delta.builder().build()).finishReason(reason).build()).build();
    }

    private static List<String> split(String text, Random rnd) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int n = 1 + rnd.nextInt(Math.min(6, text.length() - i));
            out.add(text.substring(i, i + n));
            i += n;
        }
        if (rnd.nextBoolean()) {
            out.add(rnd.nextInt(out.size() + 1), ""); // empty pieces change nothing
        }
        return out;
    }

    /** The same logical message, split into chunks in many ways, accumulates to the same result. */
    @Test
    void resultDoesNotDependOnHowTheStreamWasSplit() {
        String reasoning = "Compare the two ports first.";
        String text = "Brest has the higher tide: 7.2 m — Zoë 😀.";
        String args0 = "{\"port\": \"Brest\", \"days\": [1, 2]}";
        String args1 = "{\"port\": \"Cádiz\"}";
        for (int seed = 0; seed < 200; seed++) {
            Random rnd = new Random(seed);
            List<StreamChunk> chunks = new ArrayList<>();
            chunks.add(StreamChunk.builder().id(seed % 2 == 0 ? "" : "cmpl-split").created(0).build());
            chunks.add(StreamChunk.builder().id("cmpl-split").model("noa-split").created(1700000000)
                    .addChoice(Choice.builder().index(0).delta(Delta.builder().role("assistant").content("").build()).build())
                    .build());
            for (String p : split(reasoning, rnd)) {
                Delta.Builder d = Delta.builder();
                if (rnd.nextBoolean()) {
                    d.reasoning(p);
                } else {
                    d.extra("noise", ChatJson.MAPPER.getNodeFactory().textNode(p)).reasoning(p);
                }
                chunks.add(StreamChunk.builder().addChoice(Choice.builder().index(0).delta(d.build()).build()).build());
            }
            for (String p : split(text, rnd)) {
                chunks.add(content(0, p));
            }
            List<String> a0 = split(args0, rnd);
            List<String> a1 = split(args1, rnd);
            chunks.add(StreamChunk.builder().addChoice(Choice.builder().index(0).delta(Delta.builder()
                    .addToolCall(ToolCall.builder().index(0).id("call_0").type("function").name("tide").arguments(a0.get(0)).build())
                    .build()).build()).build());
            boolean interleave = rnd.nextBoolean();
            int j = 1;
            int k = 0;
            while (j < a0.size() || k < a1.size()) {
                boolean first = j < a0.size() && (k >= a1.size() || !interleave || rnd.nextBoolean());
                if (first) {
                    Delta d = Delta.builder().addToolCall(ToolCall.builder().index(0).id(rnd.nextBoolean() ? "" : "call_0")
                            .type("").arguments(a0.get(j++)).build()).build();
                    chunks.add(StreamChunk.builder().addChoice(Choice.builder().index(0).delta(d).build()).build());
                } else {
                    ToolCall.Builder t = ToolCall.builder().index(1).arguments(a1.get(k));
                    if (k++ == 0) {
                        t.id("call_1").type("function").name("tide");
                    }
                    chunks.add(StreamChunk.builder().addChoice(Choice.builder().index(0)
                            .delta(Delta.builder().addToolCall(t.build()).build()).build()).build());
                }
            }
            Usage usage = Usage.of(10, 20, 30, Map.of());
            int where = rnd.nextInt(3);
            if (where == 1) {
                for (int i = 0; i < chunks.size(); i++) {
                    chunks.set(i, withUsage(chunks.get(i), Usage.of(10, i, -1, Map.of())));
                }
            }
            StreamChunk fin = finish(0, "tool_calls");
            chunks.add(where == 0 ? withUsage(fin, usage) : fin);
            if (where != 0) {
                chunks.add(StreamChunk.builder().usage(usage).build());
            }
            ChunkAccumulator acc = new ChunkAccumulator("m" + seed);
            chunks.forEach(acc::accept);
            StreamingMessage m = acc.complete();
            assertThat(m.state()).isEqualTo(State.COMPLETED);
            assertThat(m.responseId()).contains("cmpl-split");
            assertThat(m.model()).contains("noa-split");
            assertThat(m.created()).hasValue(1700000000L);
            assertThat(m.reasoning()).as("seed %d", seed).isEqualTo(reasoning);
            assertThat(m.content()).as("seed %d", seed).isEqualTo(text);
            assertThat(m.toolCalls()).as("seed %d", seed).containsExactly(
                    ToolCall.accumulated(0, "call_0", "function", "tide", args0),
                    ToolCall.accumulated(1, "call_1", "function", "tide", args1));
            assertThat(m.finishReason()).contains(FinishReason.TOOL_CALLS);
            assertThat(m.usage()).contains(usage);
        }
    }

    private static StreamChunk withUsage(StreamChunk c, Usage u) {
        StreamChunk.Builder b = StreamChunk.builder().id(c.id().orElse(null)).model(c.model().orElse(null))
                .created(c.created().orElse(0)).usage(u);
        c.choices().forEach(b::addChoice);
        return b.build();
    }

    @Test
    void snapshotsAreImmutableAndMemoised() {
        ChunkAccumulator acc = new ChunkAccumulator("m1");
        StreamingMessage s1 = acc.accept(content(0, "abc"));
        assertThat(acc.snapshot()).isSameAs(s1);
        StringBuilder expected = new StringBuilder("abc");
        for (int i = 0; i < 1000; i++) { // forces the buffer to grow many times
            acc.accept(content(0, "x" + i));
            expected.append('x').append(i);
        }
        StreamingMessage s2 = acc.snapshot();
        assertThat(s1.content()).isEqualTo("abc");
        assertThat(s1.isStreaming()).isTrue();
        assertThat(s2.content()).isEqualTo(expected.toString());
        assertThat(s2.content()).isSameAs(s2.content());
        assertThat(s2.chunkCount()).isEqualTo(1001);
        assertThat(acc.complete()).isNotSameAs(s2);
        assertThat(s2.state()).isEqualTo(State.STREAMING);
        assertThatThrownBy(() -> s2.choices().add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> s2.extras().put("a", null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void snapshotsReadOnAnotherThreadAreConsistentPrefixes() throws Exception {
        ChunkAccumulator acc = new ChunkAccumulator("m-threads");
        BlockingQueue<StreamingMessage> queue = new ArrayBlockingQueue<>(64);
        AtomicReference<String> problem = new AtomicReference<>();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            all.append("tok").append(i).append(' ');
        }
        String full = all.toString();
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    StreamingMessage m = queue.take();
                    if (!full.startsWith(m.content())) {
                        problem.set("not a prefix at chunk " + m.chunkCount());
                    }
                    if (!m.isStreaming()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        for (int i = 0; i < 5000; i++) {
            StreamingMessage m = acc.accept(content(0, "tok" + i + " "));
            queue.offer(m); // dropped when full: the reader samples
        }
        queue.put(acc.complete());
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(reader.isAlive()).isFalse();
        assertThat(problem.get()).isNull();
        assertThat(acc.snapshot().content()).isEqualTo(full);
    }

    @Test
    void terminalStates() {
        ChunkAccumulator done = new ChunkAccumulator("a");
        done.accept(content(0, "hi"));
        assertThat(done.complete().state()).isEqualTo(State.COMPLETED);

        ChunkAccumulator cancelled = new ChunkAccumulator("b");
        cancelled.accept(content(0, "partial"));
        StreamingMessage c = cancelled.cancel();
        assertThat(c.state()).isEqualTo(State.CANCELLED);
        assertThat(c.content()).isEqualTo("partial");
        assertThat(c.error()).isEmpty();
        assertThat(c.failure()).isEmpty();

        ChunkAccumulator failed = new ChunkAccumulator("c");
        failed.accept(content(0, "part"));
        TransportException boom = new TransportException("connection reset");
        StreamingMessage f = failed.fail(boom);
        assertThat(f.state()).isEqualTo(State.ERROR);
        assertThat(f.failure()).containsSame(boom);
        assertThat(f.content()).isEqualTo("part");
        assertThat(f.toString()).contains("ERROR").doesNotContain("part");

        ChunkAccumulator empty = new ChunkAccumulator("d");
        assertThat(empty.allChoicesFinished()).isFalse();
        assertThat(empty.endOfInput().state()).isEqualTo(State.TRUNCATED);

        ChunkAccumulator finished = new ChunkAccumulator("e");
        finished.accept(content(0, "x"));
        finished.accept(finish(0, "stop"));
        assertThat(finished.endOfInput().state()).isEqualTo(State.COMPLETED);
    }

    @Test
    void terminalStateIsSticky() {
        ChunkAccumulator acc = new ChunkAccumulator("s");
        acc.accept(content(0, "a"));
        StreamingMessage end = acc.complete();
        assertThat(acc.accept(content(0, "b"))).isSameAs(end);
        assertThat(acc.cancel()).isSameAs(end);
        assertThat(acc.fail(new TransportException("late"))).isSameAs(end);
        assertThat(acc.endOfInput()).isSameAs(end);
        assertThat(end.content()).isEqualTo("a");
        assertThat(end.state()).isEqualTo(State.COMPLETED);
    }

    @Test
    void errorChunkEndsTheStreamAndCompleteKeepsError() {
        ChunkAccumulator acc = new ChunkAccumulator("err");
        acc.accept(content(0, "so far"));
        StreamingMessage m = acc.accept(StreamChunk.ofError(ErrorDetail.of("bad", "server_error", null, null)));
        assertThat(m.state()).isEqualTo(State.ERROR);
        assertThat(acc.complete().state()).isEqualTo(State.ERROR);
        assertThat(acc.snapshot().content()).isEqualTo("so far");
    }

    @Test
    void allChoicesFinishedTracksEveryChoice() {
        ChunkAccumulator acc = new ChunkAccumulator("n2");
        acc.accept(content(0, "a"));
        acc.accept(content(1, "b"));
        acc.accept(finish(0, "stop"));
        assertThat(acc.allChoicesFinished()).isFalse();
        acc.accept(finish(1, "length"));
        assertThat(acc.allChoicesFinished()).isTrue();
        // trailing chunks during the grace period are still accepted
        acc.accept(StreamChunk.builder().usage(Usage.of(1, 2, 3, Map.of())).build());
        acc.accept(finish(0, null));
        StreamingMessage m = acc.complete();
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(3);
        assertThat(m.choice(0).orElseThrow().rawFinishReason()).contains("stop");
        assertThat(m.choice(1).orElseThrow().finishReason()).contains(FinishReason.LENGTH);
    }

    @Test
    void metadataFirstNonEmptyWinsAndUsageLastNonNullWins() {
        ChunkAccumulator acc = new ChunkAccumulator("meta");
        acc.accept(StreamChunk.builder().id("").model("").created(0).build());
        acc.accept(StreamChunk.builder().id("first").model("m1").created(5).usage(Usage.of(1, 1, 2, Map.of())).build());
        acc.accept(StreamChunk.builder().id("second").model("m2").created(6).usage(Usage.of(1, 2, 3, Map.of())).build());
        acc.accept(StreamChunk.builder().build());
        StreamingMessage m = acc.snapshot();
        assertThat(m.responseId()).contains("first");
        assertThat(m.model()).contains("m1");
        assertThat(m.created()).hasValue(5L);
        assertThat(m.usage().orElseThrow().totalTokens()).isEqualTo(3);
        assertThat(m.id()).isEqualTo("meta");
    }

    @Test
    void choicesWithoutIndexUseTheirPosition() {
        ChunkAccumulator acc = new ChunkAccumulator("pos");
        acc.accept(StreamChunk.builder()
                .addChoice(Choice.builder().delta(Delta.builder().content("zero").build()).build())
                .addChoice(Choice.builder().delta(Delta.builder().content("one").build()).build()).build());
        StreamingMessage m = acc.snapshot();
        assertThat(m.choices()).extracting(StreamingMessage.ChoiceState::content).containsExactly("zero", "one");
    }

    @Test
    void toolCallIndexOrderAndNameSetOnce() {
        ChunkAccumulator acc = new ChunkAccumulator("order");
        acc.accept(StreamChunk.builder().addChoice(Choice.builder().index(0).delta(Delta.builder()
                .addToolCall(ToolCall.builder().index(1).id("b").name("second").arguments("{").build())
                .addToolCall(ToolCall.builder().index(0).id("a").name("first").arguments("{").build()).build()).build()).build());
        acc.accept(StreamChunk.builder().addChoice(Choice.builder().index(0).delta(Delta.builder()
                .addToolCall(ToolCall.builder().index(1).name("second").arguments("}").build())
                .addToolCall(ToolCall.builder().index(0).name("renamed").arguments("}").build()).build()).build()).build());
        List<ToolCall> calls = acc.accept(finish(0, "stop")).toolCalls();
        assertThat(calls).extracting(t -> t.name().orElseThrow()).containsExactly("first", "second");
        assertThat(calls).extracting(ToolCall::arguments).containsExactly("{}", "{}");
        assertThat(acc.snapshot().finishReason()).contains(FinishReason.TOOL_CALLS);
        assertThat(acc.snapshot().rawFinishReason()).contains("stop");
    }

    @Test
    void sizeIsBounded() {
        ChunkAccumulator acc = new ChunkAccumulator("big", 1000);
        acc.accept(content(0, "x".repeat(500)));
        assertThatThrownBy(() -> acc.accept(content(0, "y".repeat(600))))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("maxMessageChars")
                .satisfies(e -> assertThat(((LimitExceededException) e).limit()).isEqualTo(1000));
        assertThat(acc.fail(new TransportException("limit")).content()).hasSize(500);
        assertThatThrownBy(() -> new ChunkAccumulator("x", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkAccumulator(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("messageId");
    }
}
