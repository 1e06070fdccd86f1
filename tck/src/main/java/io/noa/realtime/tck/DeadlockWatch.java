package io.noa.realtime.tck;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Polls {@link ThreadMXBean#findDeadlockedThreads()} on a daemon thread while a concurrency test
 * runs, and keeps the first deadlock it sees (with the stacks of the threads in it).
 */
final class DeadlockWatch implements AutoCloseable {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final AtomicReference<String> found = new AtomicReference<>();
    private final Thread poller;
    private volatile boolean running = true;

    private DeadlockWatch() {
        poller = new Thread(this::poll, "noa-tck-deadlock-watch");
        poller.setDaemon(true);
        poller.start();
    }

    static DeadlockWatch start() {
        return new DeadlockWatch();
    }

    private void poll() {
        while (running) {
            check();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Looks once, now. */
    void check() {
        long[] ids = threads.findDeadlockedThreads();
        if (ids != null && ids.length > 0 && found.get() == null) {
            StringBuilder sb = new StringBuilder("deadlock between " + ids.length + " threads:\n");
            for (ThreadInfo info : threads.getThreadInfo(ids, true, true)) {
                if (info == null) {
                    continue;
                }
                sb.append('"').append(info.getThreadName()).append("\" waiting for ")
                        .append(info.getLockName()).append(" held by \"").append(info.getLockOwnerName())
                        .append("\"\n");
                for (StackTraceElement e : info.getStackTrace()) {
                    sb.append("    at ").append(e).append('\n');
                }
            }
            found.compareAndSet(null, sb.toString());
        }
    }

    /** Fails with the deadlock's description if one was seen. */
    void assertNone() {
        check();
        String d = found.get();
        if (d != null) {
            throw new AssertionError(d);
        }
    }

    /**
     * The deadlock seen so far, or an empty string.
     *
     * @return its description
     */
    String seen() {
        check();
        String d = found.get();
        return d == null ? "" : d;
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }
}
