package io.noa.realtime.transport.jdk;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every JDK transport in the process shares: one timer thread and a small fixed
 * pool that {@code HttpClient} uses for its asynchronous work (completing futures, delivering
 * body buffers and WebSocket events). All are daemon threads, created lazily, never shut down.
 */
final class SharedThreads {
    /** Size of the shared HttpClient executor. */
    static final int POOL_SIZE = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private SharedThreads() {}

    static ScheduledExecutorService scheduler() {
        return SchedulerHolder.VIEW;
    }

    static ExecutorService httpExecutor() {
        return PoolHolder.POOL;
    }

    private static ThreadFactory daemon(String prefix, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? prefix + "-" + n.incrementAndGet() : prefix);
            t.setDaemon(true);
            return t;
        };
    }

    private static final class SchedulerHolder {
        static final ScheduledExecutorService VIEW;

        static {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("noa-jdk-scheduler", false));
            s.setRemoveOnCancelPolicy(true);
            s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            VIEW = new UnstoppableScheduler(s);
        }
    }

    private static final class PoolHolder {
        // The queue is unbounded on purpose: HttpClient submits its own small internal tasks here
        // (their number follows open exchanges, not data volume) and does not expect rejection.
        static final ExecutorService POOL = new ThreadPoolExecutor(POOL_SIZE, POOL_SIZE, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemon("noa-jdk-http", true));
    }
}
