package io.noa.realtime.sse;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Throwaway throughput harness (not a JUnit test): parses a 1,000,000-event OpenAI-like stream
 * held in memory, fed in 8 KiB slices, and prints the median events/s and the bytes allocated
 * per event for byte[] input, a heap ByteBuffer and a direct ByteBuffer. The "floor" line is what
 * creating just the data String and the SseEvent costs.
 *
 * <pre>
 * mvn -B -ntp -o -q -pl api test-compile
 * java -cp api/target/classes:api/target/test-classes io.noa.realtime.sse.SseParserThroughput
 * </pre>
 */
public final class SseParserThroughput {
    private static final int EVENTS = 1_000_000;
    private static final int SLICE = 8 * 1024;
    private static final int WARMUP_ROUNDS = 3;
    private static final int ROUNDS = 7;
    private static final String DATA =
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok\"}}]}";

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Keeps the last event reachable so nothing is optimised away. */
    static final class Sink implements SseParser.Handler {
        long events;
        long chars;
        SseEvent last;

        @Override
        public void onEvent(SseEvent event) {
            events++;
            chars += event.data().length();
            last = event;
        }
    }

    private interface Feeder {
        void run(SseParser parser, byte[] stream);
    }

    private SseParserThroughput() {}

    public static void main(String[] args) {
        byte[] one = ("data: " + DATA + "\n\n").getBytes(StandardCharsets.UTF_8);
        byte[] stream = new byte[one.length * EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            System.arraycopy(one, 0, stream, i * one.length, one.length);
        }
        System.out.printf("stream: %,d events, %,d bytes (%d bytes/event), %d-byte slices%n",
                EVENTS, stream.length, one.length, SLICE);

        ByteBuffer heap = ByteBuffer.wrap(stream);
        ByteBuffer direct = ByteBuffer.allocateDirect(SLICE);
        measure("byte[]", stream, (p, s) -> {
            for (int off = 0; off < s.length; off += SLICE) {
                p.feed(s, off, Math.min(SLICE, s.length - off));
            }
        });
        measure("heap ByteBuffer", stream, (p, s) -> {
            for (int off = 0; off < s.length; off += SLICE) {
                heap.limit(Math.min(off + SLICE, s.length)).position(off);
                p.feed(heap);
            }
            heap.clear();
        });
        measure("direct ByteBuffer", stream, (p, s) -> {
            for (int off = 0; off < s.length; off += SLICE) {
                direct.clear();
                direct.put(s, off, Math.min(SLICE, s.length - off)).flip();
                p.feed(direct);
            }
        });
        floor(one);
    }

    private static void measure(String name, byte[] stream, Feeder feeder) {
        double[] rates = new double[ROUNDS];
        double[] bytesPerEvent = new double[ROUNDS];
        for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
            Sink sink = new Sink();
            SseParser parser = new SseParser(sink);
            long alloc0 = THREADS.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            feeder.run(parser, stream);
            long t1 = System.nanoTime();
            long alloc1 = THREADS.getCurrentThreadAllocatedBytes();
            if (sink.events != EVENTS || sink.chars != (long) EVENTS * DATA.length()) {
                throw new AssertionError("wrong result: " + sink.events + " events");
            }
            if (round >= 0) {
                rates[round] = EVENTS / ((t1 - t0) / 1e9);
                bytesPerEvent[round] = (alloc1 - alloc0) / (double) EVENTS;
            }
        }
        System.out.printf("%-18s median %,12.0f events/s  (%,.0f MB/s)  %6.1f bytes allocated/event%n", name,
                median(rates), median(rates) * (DATA.length() + 8) / 1e6, median(bytesPerEvent));
    }

    /** Allocation of only the unavoidable objects: the data String and the SseEvent. */
    private static void floor(byte[] one) {
        byte[] data = DATA.getBytes(StandardCharsets.UTF_8);
        double[] bytesPerEvent = new double[ROUNDS];
        SseEvent keep = null;
        for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
            long alloc0 = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < EVENTS; i++) {
                keep = SseEvent.of("message", new String(data, 0, data.length, StandardCharsets.UTF_8));
            }
            long alloc1 = THREADS.getCurrentThreadAllocatedBytes();
            if (round >= 0) {
                bytesPerEvent[round] = (alloc1 - alloc0) / (double) EVENTS;
            }
        }
        System.out.printf("%-18s %45.1f bytes allocated/event (data String + SseEvent only; %s)%n", "floor",
                median(bytesPerEvent), keep == null ? "?" : "ok");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
