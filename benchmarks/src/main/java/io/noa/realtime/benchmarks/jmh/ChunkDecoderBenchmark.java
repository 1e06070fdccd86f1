package io.noa.realtime.benchmarks.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.benchmarks.OpenAiStream;
import io.noa.realtime.chat.ChunkDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Scores are per event. Two Jackson baselines bound what any Jackson-based decoder can do:
 * {@code jacksonTokens} only creates a parser per payload and walks its tokens (reading each string
 * value), {@code jacksonTree} is {@code ObjectMapper.readTree}, what the peers' users write.
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
    private final JsonFactory factory = new JsonFactory();
    private final ObjectMapper mapper = new ObjectMapper();
    private String[] payloads;
    private byte[][] payloadBytes;

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
        payloadBytes = new byte[EVENTS][];
        for (int i = 0; i < EVENTS; i++) {
            payloadBytes[i] = payloads[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Decodes every payload once from its UTF-8 bytes, as the SDK's chat stream does
     * ({@code decode(event, bytes, offset, length)}: one byte-feeder parser reused for every event).
     *
     * @param bh receives the chunks
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void decodeBytes(Blackhole bh) {
        for (byte[] p : payloadBytes) {
            bh.consume(decoder.decode("message", p, 0, p.length));
        }
    }

    /**
     * Baseline of the byte path: a Jackson parser per payload over its bytes (the alternative to a
     * reused parser), every token walked, every string value read.
     *
     * @param bh receives the strings
     * @throws IOException never (valid JSON)
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void jacksonBytesTokens(Blackhole bh) throws IOException {
        for (byte[] p : payloadBytes) {
            try (JsonParser parser = factory.createParser(p)) {
                for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                    if (t == JsonToken.VALUE_STRING) {
                        bh.consume(parser.getText());
                    }
                }
            }
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

    /**
     * Baseline: a Jackson parser per payload, every token walked, every string value read.
     *
     * @param bh receives the strings
     * @throws IOException never (valid JSON)
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void jacksonTokens(Blackhole bh) throws IOException {
        for (String p : payloads) {
            try (JsonParser parser = factory.createParser(p)) {
                for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                    if (t == JsonToken.VALUE_STRING) {
                        bh.consume(parser.getText());
                    }
                }
            }
        }
    }

    /**
     * Baseline: {@code ObjectMapper.readTree} per payload.
     *
     * @param bh receives the trees
     * @throws IOException never (valid JSON)
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void jacksonTree(Blackhole bh) throws IOException {
        for (String p : payloads) {
            bh.consume(mapper.readTree(p));
        }
    }
}
