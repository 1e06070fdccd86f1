package io.noa.realtime.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target for the chunk decoder ({@link ChunkDecoder#openAi()}, and an OpenAI decoder over a
 * Jackson factory with tight read constraints) and for {@link ChunkAccumulator}.
 *
 * <p>The input is read two ways: as one event's data under the names {@code message}, {@code error}
 * and the unnamed event, and (its first line as the event name, the rest as data) under an arbitrary
 * name; and as a {@code text/event-stream} whose events and unknown fields are decoded in order and
 * folded into accumulators, as a chat stream does. Checks the documented contracts:
 *
 * <ul>
 *   <li>{@code decode} returns a list (never {@code null}); only {@link StreamFormatException} escapes,
 *       and only for a chat ({@code message}) event; its excerpt is at most 200 characters;
 *       {@code event: error} and the {@code error:} field always give chunks that all carry an error;
 *       other named events, empty data and {@code [DONE]} give no chunk; {@code isEndOfStream} is
 *       exactly "the data is {@code [DONE]} after trimming";
 *   <li>every public accessor of a decoded chunk answers without throwing
 *       ({@link ToolCall#parseArguments()} may throw {@link StreamFormatException} as documented);
 *   <li>{@link ChunkAccumulator#accept} throws nothing but {@link LimitExceededException}; the
 *       accumulated texts plus the fixed charge per item stay within {@code maxMessageChars}; content,
 *       reasoning and refusal are the per-choice concatenation of the deltas; a snapshot never changes
 *       afterwards (read late, it equals the same snapshot read at once); after a terminal state
 *       nothing changes.
 * </ul>
 *
 * <p>In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/io/noa/realtime/chat/ChunkDecoderFuzzTestInputs/decodeAndAccumulate}.
 */
class ChunkDecoderFuzzTest {
    private static final ChunkDecoder TIGHT = ChunkDecoder.openAi(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxStringLength(64).maxNumberLength(8).build())
            .build());
    private static final List<ChunkDecoder> DECODERS = List.of(ChunkDecoder.openAi(), TIGHT);

    @FuzzTest(maxDuration = "10m")
    void decodeAndAccumulate(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        for (ChunkDecoder decoder : DECODERS) {
            decodeOne(decoder, "message", text);
            decodeOne(decoder, null, text);
            decodeOne(decoder, "", text);
            decodeOne(decoder, "error", text);
            if (nl >= 0) {
                decodeOne(decoder, text.substring(0, nl), text.substring(nl + 1));
            }
            List<StreamChunk> fromField = decoder.decodeField("error", text);
            assertErrorChunks(fromField, "the error field");
            if (nl >= 0) {
                String name = text.substring(0, nl);
                List<StreamChunk> other = decoder.decodeField(name, text.substring(nl + 1));
                if (name.equals("error")) {
                    assertErrorChunks(other, "the error field");
                } else {
                    assertThat(other).as("field %s", name).isEmpty();
                }
            }
        }
        int h = Arrays.hashCode(input);
        accumulateStream(input, ChunkDecoder.openAi(), ChunkAccumulator.DEFAULT_MAX_MESSAGE_CHARS);
        accumulateStream(input, ChunkDecoder.openAi(), 300 + (h & 1023));
        accumulateStream(input, TIGHT, 1 + (h >>> 22));
    }

    // ---- what the fuzzer found, as plain tests ---------------------------------------------------

    /** An error event whose JSON object was followed by a non-object threw instead of giving an error. */
    @Test
    void errorEventWithATrailingValueIsStillAnError() {
        assertThat(ChunkDecoder.openAi().decode("error", "{\"error\":{\"message\":\"boom\"}} 5"))
                .singleElement()
                .satisfies(c -> assertThat(c.error()).isPresent());
        assertThat(ChunkDecoder.openAi().decodeField("error", "{} []")).singleElement()
                .satisfies(c -> assertThat(c.error()).isPresent());
    }

    /** A format error's excerpt had 201 characters (200 plus the ellipsis); the javadoc says at most 200. */
    @Test
    void formatErrorExcerptHasAtMost200Characters() {
        assertThatThrownBy(() -> ChunkDecoder.openAi().decode("message", "x".repeat(500)))
                .isInstanceOfSatisfying(StreamFormatException.class,
                        e -> assertThat(e.excerpt()).hasSize(200).endsWith("\u2026"));
        // and the cut never leaves half a surrogate pair behind
        assertThatThrownBy(() -> ChunkDecoder.openAi().decode("message", "x".repeat(198) + "\uD83D\uDE00" + "y".repeat(9)))
                .isInstanceOfSatisfying(StreamFormatException.class,
                        e -> assertThat(e.excerpt()).isEqualTo("x".repeat(198) + "\u2026"));
    }

    /** Decodes one event and checks the decoder's contract; returns the chunks, or null after a format error. */
    static List<StreamChunk> decodeOne(ChunkDecoder decoder, String name, String data) {
        boolean chat = name == null || name.isEmpty() || name.equals("message");
        boolean error = "error".equals(name);
        boolean done = data.strip().equals("[DONE]");
        assertThat(decoder.isEndOfStream(name == null ? "message" : name, data)).isEqualTo(done);
        List<StreamChunk> chunks;
        try {
            chunks = decoder.decode(name, data);
        } catch (StreamFormatException e) {
            assertThat(chat).as("only a chat event may be rejected, not event %s", name).isTrue();
            assertThat(e.excerpt().length()).as("excerpt length").isLessThanOrEqualTo(200);
            return null;
        }
        assertThat(chunks).as("decode(%s) result", name).isNotNull().doesNotContainNull();
        if (error) {
            assertErrorChunks(chunks, "event: error");
        } else if (!chat || data.isBlank() || done) {
            assertThat(chunks).as("chunks of event %s", name).isEmpty();
        }
        for (StreamChunk c : chunks) {
            touch(c);
        }
        return chunks;
    }

    private static void assertErrorChunks(List<StreamChunk> chunks, String what) {
        assertThat(chunks).as(what).isNotEmpty().allSatisfy(c -> assertThat(c.error()).as(what).isPresent());
        for (StreamChunk c : chunks) {
            touch(c);
        }
    }

    /** Calls every public accessor; none may throw (except documented ones). */
    static void touch(StreamChunk c) {
        assertThat(c.toString()).isNotNull();
        assertThat(c).isEqualTo(c);
        c.hashCode();
        c.id();
        c.model();
        c.created();
        c.object();
        c.systemFingerprint();
        c.serviceTier();
        c.content();
        c.reasoning();
        c.finishReason().ifPresent(FinishReason::fromWire);
        c.usage().ifPresent(u -> {
            u.reasoningTokens();
            u.cachedTokens();
            u.toString();
        });
        c.error().ifPresent(e -> assertThat(e.message()).isNotEmpty());
        assertThat(c.extras()).doesNotContainValue(null);
        for (Choice ch : c.choices()) {
            ch.toString();
            ch.index();
            ch.finishReason().ifPresent(FinishReason::fromWire);
            ch.delta().ifPresent(d -> {
                d.toString();
                d.role();
                d.isEmpty();
                d.toolCalls().forEach(ChunkDecoderFuzzTest::touch);
                d.functionCall().ifPresent(ChunkDecoderFuzzTest::touch);
            });
        }
    }

    private static void touch(ToolCall t) {
        t.toString();
        t.index();
        assertThat(t.arguments()).isNotNull();
        t.argumentsJson();
        try {
            assertThat(t.parseArguments()).isNotNull();
        } catch (StreamFormatException expected) {
            assertThat(t.argumentsJson()).isEmpty();
        }
    }

    // ---- the stream, accumulated --------------------------------------------------------------

    /** One callback of the SSE parser, replayed into the decoder. */
    private static final class Item {
        final SseEvent event;
        final String field;
        final String value;

        Item(SseEvent event, String field, String value) {
            this.event = event;
            this.field = field;
            this.value = value;
        }
    }

    private static void accumulateStream(byte[] input, ChunkDecoder decoder, long max) {
        List<Item> items = new ArrayList<>();
        SseParser parser = new SseParser(new SseParser.Handler() {
            @Override
            public void onEvent(SseEvent event) {
                items.add(new Item(event, null, null));
            }

            @Override
            public void onField(String name, String value) {
                items.add(new Item(null, name, value));
            }
        });
        parser.feed(input, 0, input.length);
        parser.finish();

        ChunkAccumulator now = new ChunkAccumulator("m", max);
        ChunkAccumulator late = new ChunkAccumulator("m", max);
        Model model = new Model();
        List<String> readAtOnce = new ArrayList<>();
        List<StreamingMessage> unread = new ArrayList<>();
        List<String> expectedTexts = new ArrayList<>();
        boolean open = true;
        boolean done = false;
        for (int i = 0; i < items.size() && open; i++) {
            Item it = items.get(i);
            List<StreamChunk> chunks;
            if (it.event != null) {
                if (decoder.isEndOfStream(it.event.event(), it.event.data())) {
                    done = true;
                    break;
                }
                chunks = decodeOne(decoder, it.event.event(), it.event.data());
                if (chunks == null) {
                    StreamFormatException e = new StreamFormatException("bad chunk", it.event.data());
                    terminal(now, now.fail(e), StreamingMessage.State.ERROR);
                    terminal(late, late.fail(e), StreamingMessage.State.ERROR);
                    open = false;
                    continue;
                }
            } else {
                chunks = decoder.decodeField(it.field, it.value);
            }
            for (StreamChunk c : chunks) {
                StreamingMessage a;
                StreamingMessage b;
                try {
                    a = now.accept(c);
                } catch (LimitExceededException e) {
                    assertThat(e.setting()).isEqualTo("maxMessageChars");
                    assertThatLateFails(late, c);
                    checkBound(terminal(now, now.fail(e), StreamingMessage.State.ERROR), max);
                    checkBound(terminal(late, late.fail(e), StreamingMessage.State.ERROR), max);
                    open = false;
                    break;
                }
                b = late.accept(c);
                model.apply(c);
                readAtOnce.add(render(a));
                checkBound(a, max);
                expectedTexts.add(model.texts());
                assertThat(texts(a)).as("texts are the concatenated deltas").isEqualTo(expectedTexts.get(expectedTexts.size() - 1));
                unread.add(b);
                if (a.state() != StreamingMessage.State.STREAMING) {
                    assertThat(c.error()).as("only an error chunk ends the stream").isPresent();
                    terminal(now, a, StreamingMessage.State.ERROR);
                    open = false;
                    break;
                }
            }
        }
        if (open) {
            StreamingMessage end = done ? now.complete() : now.endOfInput();
            assertThat(end.state()).isNotEqualTo(StreamingMessage.State.STREAMING);
            terminal(now, end, end.state());
            checkBound(end, max);
        }
        // read late, every snapshot of the twin accumulator equals the same snapshot read at once
        for (int i = 0; i < unread.size(); i++) {
            assertThat(render(unread.get(i))).as("snapshot %s read late", i).isEqualTo(readAtOnce.get(i));
            assertThat(texts(unread.get(i))).isEqualTo(expectedTexts.get(i));
        }
    }

    private static void assertThatLateFails(ChunkAccumulator late, StreamChunk c) {
        try {
            late.accept(c);
        } catch (LimitExceededException expected) {
            return;
        }
        throw new AssertionError("the same chunk did not exceed the limit on an identical accumulator");
    }

    /** After a terminal state nothing changes: neither further chunks nor other endings. */
    private static StreamingMessage terminal(ChunkAccumulator acc, StreamingMessage end, StreamingMessage.State state) {
        assertThat(end.state()).isEqualTo(state);
        assertThat(end.isStreaming()).isFalse();
        String before = render(end);
        StreamChunk more = StreamChunk.builder().addChoice(Choice.builder().index(0)
                .delta(Delta.builder().content("more").build()).build()).build();
        assertThat(render(acc.accept(more))).isEqualTo(before);
        assertThat(render(acc.complete())).isEqualTo(before);
        assertThat(render(acc.cancel())).isEqualTo(before);
        assertThat(render(acc.endOfInput())).isEqualTo(before);
        assertThat(render(acc.snapshot())).isEqualTo(before);
        return end;
    }

    /** The documented bound: characters of all texts plus a fixed charge per choice and item. */
    private static void checkBound(StreamingMessage m, long max) {
        long size = 0;
        for (StreamingMessage.ChoiceState c : m.choices()) {
            size += ChoiceAccumulator.ITEM_COST;
            size += c.content().length() + c.reasoning().length() + c.refusal().length();
            for (ToolCall t : c.toolCalls()) {
                size += ChoiceAccumulator.ITEM_COST + t.arguments().length();
            }
            if (c.functionCall().isPresent()) {
                size += ChoiceAccumulator.ITEM_COST + c.functionCall().get().arguments().length();
            }
            size += (long) ChoiceAccumulator.ITEM_COST
                    * (c.logprobs().size() + c.refusalLogprobs().size() + c.annotations().size());
        }
        assertThat(size).as("accumulated size of %s", m).isLessThanOrEqualTo(max);
    }

    private static String texts(StreamingMessage m) {
        StringBuilder sb = new StringBuilder();
        for (StreamingMessage.ChoiceState c : m.choices()) {
            sb.append(c.index()).append('|').append(c.content()).append('|').append(c.reasoning()).append('|')
                    .append(c.refusal()).append('\n');
        }
        return sb.toString();
    }

    /** Everything a snapshot shows, as text. */
    private static String render(StreamingMessage m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.id()).append(m.state()).append(m.isStreaming()).append(m.responseId()).append(m.model())
                .append(m.created()).append(m.systemFingerprint()).append(m.serviceTier()).append(m.usage())
                .append(m.error()).append(m.failure().map(Throwable::getMessage)).append(m.extras())
                .append(m.chunkCount()).append(m.content()).append(m.reasoning()).append(m.refusal())
                .append(m.toolCalls()).append(m.finishReason()).append(m.rawFinishReason()).append(m).append('\n');
        for (StreamingMessage.ChoiceState c : m.choices()) {
            sb.append(c.index()).append(c.role()).append(c.rawRole()).append('[').append(c.content()).append("][")
                    .append(c.reasoning()).append("][").append(c.refusal()).append(']').append(c.toolCalls())
                    .append(c.functionCall()).append(c.finishReason()).append(c.rawFinishReason())
                    .append(c.isFinished()).append(c.logprobs()).append(c.refusalLogprobs()).append(c.annotations())
                    .append(c.extras()).append(c).append('\n');
            for (ToolCall t : c.toolCalls()) {
                touch(t);
            }
        }
        return sb.toString();
    }

    /** The texts by choice, as the accumulator documents them: the deltas appended per choice index. */
    private static final class Model {
        private final TreeMap<Integer, StringBuilder[]> byIndex = new TreeMap<>();

        void apply(StreamChunk c) {
            List<Choice> list = c.choices();
            for (int i = 0; i < list.size(); i++) {
                Choice ch = list.get(i);
                int index = ch.index().isPresent() ? ch.index().getAsInt() : i;
                StringBuilder[] t = byIndex.computeIfAbsent(index,
                        k -> new StringBuilder[] {new StringBuilder(), new StringBuilder(), new StringBuilder()});
                ch.delta().ifPresent(d -> {
                    d.content().ifPresent(t[0]::append);
                    d.reasoning().ifPresent(t[1]::append);
                    d.refusal().ifPresent(t[2]::append);
                });
            }
        }

        String texts() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<Integer, StringBuilder[]> e : byIndex.entrySet()) {
                StringBuilder[] t = e.getValue();
                sb.append(e.getKey()).append('|').append(t[0]).append('|').append(t[1]).append('|').append(t[2])
                        .append('\n');
            }
            return sb.toString();
        }
    }
}
