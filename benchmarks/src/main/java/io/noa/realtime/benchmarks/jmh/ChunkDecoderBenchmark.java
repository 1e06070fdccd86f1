package io.noa.realtime.benchmarks.jmh;

import io.noa.realtime.benchmarks.OpenAiStream;
import io.noa.realtime.chat.ChunkDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code ChunkDecoder.openAi().decode(event, data)} over the payload strings of the stream's first
 * {@value #EVENTS} events (the role event and every distinct token event, in stream proportion).
 * Scores are per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChunkDecoderBenchmark {
    /** Payloads decoded per benchmark operation. */
    public static final int EVENTS = 1_024;

    /** Which fields each chunk carries. */
    @Param({"COMPACT", "FULL"})
    public OpenAiStream.Shape shape;

    private final ChunkDecoder decoder = ChunkDecoder.openAi();
    private String[] payloads;

    /** Creates the benchmark state (JMH). */
    public ChunkDecoderBenchmark() {}

    /** Extracts the payloads. */
    @Setup
    public void setUp() {
        OpenAiStream stream = OpenAiStream.of(EVENTS + 1, shape);
        payloads = new String[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            payloads[i] = Pipelines.payload(stream, i);
        }
    }

    /**
     * Decodes every payload once.
     *
     * @param bh receives the chunks
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void decode(Blackhole bh) {
        for (String p : payloads) {
            bh.consume(decoder.decode("message", p));
        }
    }
}
