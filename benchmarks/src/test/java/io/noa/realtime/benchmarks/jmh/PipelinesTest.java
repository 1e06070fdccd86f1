package io.noa.realtime.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.benchmarks.OpenAiStream;
import io.noa.realtime.chat.ChunkAccumulator;
import io.noa.realtime.chat.ChunkDecoder;
import io.noa.realtime.chat.StreamChunk;
import io.noa.realtime.chat.StreamingMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmarks measure correct code: every path gives the stream's content and event count. */
class PipelinesTest {
    private static final int EVENTS = 5_000;

    @ParameterizedTest
    @EnumSource(OpenAiStream.Shape.class)
    void parseOnlySeesEveryEventWhateverTheSlicesAndFeeding(OpenAiStream.Shape shape) {
        OpenAiStream stream = OpenAiStream.of(EVENTS, shape);
        for (int slice : new int[] {1, 7, 8192, 65536}) {
            for (Pipelines.Input input : Pipelines.Input.values()) {
                assertThat(Pipelines.parseOnly(stream, slice, input)).as("slice %d, %s", slice, input)
                        .isEqualTo(EVENTS + 1L);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 8192, 65536})
    void theFullPipelineAccumulatesTheStreamsContent(int slice) {
        OpenAiStream stream = OpenAiStream.of(EVENTS);
        StreamingMessage message = Pipelines.full(stream, slice);
        assertThat(message.state()).isEqualTo(StreamingMessage.State.COMPLETED);
        assertThat(message.content()).isEqualTo(stream.content());
        assertThat(message.chunkCount()).isEqualTo(EVENTS);
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 8192, 65536})
    void theChatPathOverTheMemoryTransportGivesTheStreamsContent(int slice) throws Exception {
        OpenAiStream stream = OpenAiStream.of(EVENTS);
        try (MemoryTransport transport = new MemoryTransport(stream.toByteArray(), slice);
                io.noa.realtime.chat.StreamingChat chat = Pipelines.chat(transport)) {
            for (int i = 0; i < 3; i++) { // the same chat again and again, as the benchmark uses it
                StreamingMessage message = Pipelines.chatResult(chat);
                assertThat(message.state()).isEqualTo(StreamingMessage.State.COMPLETED);
                assertThat(message.content()).isEqualTo(stream.content());
                assertThat(message.chunkCount()).isEqualTo(EVENTS);
            }
            assertThat(chat.messages()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 8192})
    void theToolCallStreamAccumulatesItsArguments(int slice) throws Exception {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            expected.append(Pipelines.TOOL_ARGUMENT_PARTS[i % Pipelines.TOOL_ARGUMENT_PARTS.length].replace("\\\"", "\""));
        }
        try (MemoryTransport transport = new MemoryTransport(Pipelines.toolCallStream(1_000), slice);
                io.noa.realtime.chat.StreamingChat chat = Pipelines.chat(transport)) {
            StreamingMessage message = Pipelines.chatResult(chat);
            assertThat(message.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(message.chunkCount()).isEqualTo(1_002);
            io.noa.realtime.chat.ToolCall call = message.choices().get(0).toolCalls().get(0);
            assertThat(call.id()).contains("call_1");
            assertThat(call.name()).contains("get_weather");
            assertThat(call.arguments()).isEqualTo(expected.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(OpenAiStream.Shape.class)
    void theBaselinesSeeTheSameEventsAndContent(OpenAiStream.Shape shape) {
        OpenAiStream stream = OpenAiStream.of(EVENTS, shape);
        assertThat(Pipelines.readLineStrip(stream)).isEqualTo(EVENTS + 1L);
        assertThat(Pipelines.readLineJackson(stream, new ObjectMapper())).isEqualTo(stream.content());
    }

    @ParameterizedTest
    @EnumSource(OpenAiStream.Shape.class)
    void thePayloadsTheDecoderAndAccumulatorBenchmarksUseDecodeToTheContent(OpenAiStream.Shape shape) {
        OpenAiStream stream = OpenAiStream.of(ChunkAccumulatorBenchmark.CHUNKS, shape);
        ChunkAccumulator accumulator = new ChunkAccumulator("test");
        for (int i = 0; i < stream.events(); i++) {
            for (StreamChunk chunk : ChunkDecoder.openAi().decode("message", Pipelines.payload(stream, i))) {
                accumulator.accept(chunk);
            }
        }
        assertThat(Pipelines.payload(stream, stream.events())).isEqualTo("[DONE]");
        assertThat(accumulator.complete().content()).isEqualTo(stream.content());
    }
}
