package io.noa.realtime.benchmarks.jmh;

import io.noa.realtime.benchmarks.OpenAiStream;
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

/**
 * {@code SseParser} alone over a 1,000,000-event chat stream, fed in socket-sized slices; the
 * handler counts events. Scores are per event ({@link OperationsPerInvocation}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseParserBenchmark {
    /** Chunk events per benchmark operation (the {@code [DONE]} event comes on top). */
    public static final int EVENTS = 1_000_000;

    /** Bytes per slice handed to the parser. */
    @Param({"8192", "65536"})
    public int slice;

    /** Which fields each chunk carries. */
    @Param({"COMPACT", "FULL"})
    public OpenAiStream.Shape shape;

    /** Array or buffer feeding. */
    @Param({"ARRAY", "BUFFER"})
    public Pipelines.Input input;

    private OpenAiStream stream;

    /** Creates the benchmark state (JMH). */
    public SseParserBenchmark() {}

    /** Builds the stream. */
    @Setup
    public void setUp() {
        stream = OpenAiStream.of(EVENTS, shape);
    }

    /**
     * Parses the whole stream.
     *
     * @return the number of events seen
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long parse() {
        return Pipelines.parseOnly(stream, slice, input);
    }
}
