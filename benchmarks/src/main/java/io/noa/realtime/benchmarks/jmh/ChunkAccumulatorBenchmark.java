package io.noa.realtime.benchmarks.jmh;

import io.noa.realtime.benchmarks.OpenAiStream;
import io.noa.realtime.chat.ChunkAccumulator;
import io.noa.realtime.chat.ChunkDecoder;
import io.noa.realtime.chat.StreamChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code ChunkAccumulator.accept(chunk)} over pre-decoded chunks: {@value #MESSAGES} messages of
 * {@value #CHUNKS} chunks each, a new accumulator per message, the snapshot built per chunk and the
 * finish check made per event as the SDK's chat stream does, completed at the end. Scores are per
 * chunk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChunkAccumulatorBenchmark {
    /** Chunks per message. */
    public static final int CHUNKS = 1_000;
    /** Messages per benchmark operation. */
    public static final int MESSAGES = 100;

    private StreamChunk[] chunks;

    /** Creates the benchmark state (JMH). */
    public ChunkAccumulatorBenchmark() {}

    /** Decodes one message's chunks. */
    @Setup
    public void setUp() {
        OpenAiStream stream = OpenAiStream.of(CHUNKS);
        List<StreamChunk> list = new ArrayList<>(CHUNKS);
        for (int i = 0; i < CHUNKS; i++) {
            list.addAll(ChunkDecoder.openAi().decode("message", Pipelines.payload(stream, i)));
        }
        chunks = list.toArray(new StreamChunk[0]);
    }

    /**
     * Accumulates {@value #MESSAGES} messages.
     *
     * @param bh receives the snapshots
     */
    @Benchmark
    @OperationsPerInvocation(CHUNKS * MESSAGES)
    public void accumulate(Blackhole bh) {
        for (int m = 0; m < MESSAGES; m++) {
            ChunkAccumulator accumulator = new ChunkAccumulator("bench");
            for (StreamChunk chunk : chunks) {
                bh.consume(accumulator.accept(chunk));
                bh.consume(accumulator.allChoicesFinished());
            }
            bh.consume(accumulator.complete());
        }
    }
}
