package io.noa.realtime.benchmarks.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.benchmarks.OpenAiStream;
import io.noa.realtime.chat.StreamingChat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole job over a 1,000,000-event chat stream in 8 KiB slices: the SDK's parse, decode and
 * accumulate, against two baselines a Java user would hand-roll ({@code BufferedReader.readLine}
 * with Jackson {@code readTree}, and {@code readLine} with only the {@code "data:"} strip). Scores
 * are per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBenchmark {
    /** Chunk events per benchmark operation (the {@code [DONE]} event comes on top). */
    public static final int EVENTS = 1_000_000;
    /** Bytes per slice handed to the parser. */
    public static final int SLICE = 8192;

    private final ObjectMapper mapper = new ObjectMapper();
    private OpenAiStream stream;
    private MemoryTransport transport;
    private StreamingChat chat;
    private MemoryTransport toolTransport;
    private StreamingChat toolChat;

    /** Creates the benchmark state (JMH). */
    public PipelineBenchmark() {}

    /** Builds the stream. */
    @Setup
    public void setUp() {
        stream = OpenAiStream.of(EVENTS);
        transport = new MemoryTransport(stream.toByteArray(), SLICE);
        chat = Pipelines.chat(transport);
        toolTransport = new MemoryTransport(Pipelines.toolCallStream(EVENTS), SLICE);
        toolChat = Pipelines.chat(toolTransport);
    }

    /** Closes the chat and its transport. */
    @TearDown
    public void tearDown() {
        chat.close();
        transport.close();
        toolChat.close();
        toolTransport.close();
    }

    /**
     * The SDK as a user calls it: {@code StreamingChat.send(request).result()} over a transport
     * that hands the same stream in the same slices without a network ({@link MemoryTransport}),
     * so this is {@link #noaFull} plus everything the chat stream does around it (the common chunk
     * read by the scanner straight into the message, no chunk objects, no snapshot per chunk).
     *
     * @return the content
     * @throws Exception if the answer fails
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public String noaChat() throws Exception {
        return Pipelines.chatResult(chat).content();
    }

    /**
     * The same over a stream in which the model calls one function and streams its arguments in
     * 1,000,000 fragments ({@link Pipelines#toolCallStream}).
     *
     * @return the call's arguments
     * @throws Exception if the answer fails
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public String noaChatToolCalls() throws Exception {
        return Pipelines.chatResult(toolChat).choices().get(0).toolCalls().get(0).arguments();
    }

    /**
     * The SDK: {@code SseParser}, {@code ChunkDecoder.openAi()}, {@code ChunkAccumulator}, and the
     * content read once from the final snapshot (as the baseline builds its string).
     *
     * @return the content
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public String noaFull() {
        return Pipelines.full(stream, SLICE).content();
    }

    /**
     * Baseline: {@code readLine}, strip {@code "data:"}, {@code ObjectMapper.readTree}, append the
     * delta content.
     *
     * @return the content
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public String readLineJackson() {
        return Pipelines.readLineJackson(stream, mapper);
    }

    /**
     * Baseline: {@code readLine} and strip {@code "data:"} only.
     *
     * @return the number of data lines
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long readLineStrip() {
        return Pipelines.readLineStrip(stream);
    }
}
