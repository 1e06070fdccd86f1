package io.noa.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sums CPU time and allocated bytes over the live threads of this JVM whose names pass a filter —
 * used to charge a client for its own threads while the server runs in the same process.
 *
 * <p>Threads that end between {@link #start()} and {@link #stop()} are lost from the sums (the JVM
 * forgets them), and threads started in between count from zero; harnesses keep client thread
 * pools alive across rounds so nothing of a round is missed.
 */
public final class ThreadMeter {

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Predicate<String> counted;
    private final Map<Long, long[]> atStart = new HashMap<>();
    private long cpuNanos;
    private long allocatedBytes;

    /**
     * A meter over the threads whose names pass {@code counted}.
     *
     * @param counted which thread names to count (e.g. not those of the server)
     */
    public ThreadMeter(Predicate<String> counted) {
        this.counted = counted;
        threads.setThreadCpuTimeEnabled(true);
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Records every counted thread's CPU time and allocation so far. */
    public void start() {
        atStart.clear();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (counted.test(t.getName())) {
                long id = t.getId();
                atStart.put(id, new long[] {threads.getThreadCpuTime(id), threads.getThreadAllocatedBytes(id)});
            }
        }
    }

    /** Adds what every counted thread used since {@link #start()} to the totals. */
    public void stop() {
        long cpu = 0;
        long bytes = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (counted.test(t.getName())) {
                long id = t.getId();
                long nowCpu = threads.getThreadCpuTime(id);
                long nowBytes = threads.getThreadAllocatedBytes(id);
                if (nowCpu < 0 || nowBytes < 0) {
                    continue; // ended just now
                }
                long[] before = atStart.getOrDefault(id, new long[] {0, 0});
                cpu += nowCpu - before[0];
                bytes += nowBytes - before[1];
            }
        }
        cpuNanos = cpu;
        allocatedBytes = bytes;
    }

    /**
     * CPU time the counted threads used between the last start and stop.
     *
     * @return nanoseconds
     */
    public long cpuNanos() {
        return cpuNanos;
    }

    /**
     * Bytes the counted threads allocated on the heap between the last start and stop.
     *
     * @return bytes
     */
    public long allocatedBytes() {
        return allocatedBytes;
    }
}
