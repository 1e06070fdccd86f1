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
 * The threads the JDK transports of the process share: one timer thread
 * ({@code noa-jdk-scheduler}) and a small pool ({@code noa-jdk-http-N}) that {@code HttpClient}
 * uses for its asynchronous work (completing futures, delivering body buffers and WebSocket
 * events). All are daemon threads.
 *
 * <p>They are counted by the transports that use them: the first {@link #acquire()} starts them,
 * the {@link #release(Threads)} of the last user stops the timer, and a later acquire starts a new
 * one. The pool is one for the process and never shut down: its threads end after
 * {@link #IDLE_SECONDS} idle seconds, once the JDK finished what it still had to do.
 */
final class SharedThreads {
    /** Size of the shared HttpClient executor. */
    static final int POOL_SIZE = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** How long an idle pool thread lives. */
    static final int IDLE_SECONDS = 5;

    private static Threads current;
    private static int users;

    private SharedThreads() {}

    /** The live threads, started if no transport holds them; pair with one {@link #release(Threads)}. */
    static synchronized Threads acquire() {
        if (users++ == 0) {
            current = new Threads();
        }
        return current;
    }

    /** Gives back what {@link #acquire()} returned; the last user's release shuts the threads down. */
    static void release(Threads threads) {
        synchronized (SharedThreads.class) {
            if (threads != current || users == 0 || --users > 0) {
                return;
            }
            current = null;
        }
        threads.shutdown();
    }

    /** How many open transports hold the threads now. */
    static synchronized int users() {
        return users;
    }

    private static ThreadFactory daemon(String prefix, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? prefix + "-" + n.incrementAndGet() : prefix);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The one {@code HttpClient} executor of the process, never shut down: its threads start when
     * work comes and end after {@link #IDLE_SECONDS} idle seconds, so at most {@link #POOL_SIZE}
     * exist at any time, whatever the number of transports opened and closed.
     */
    private static final class Pool {
        // The queue is unbounded on purpose: HttpClient submits its own small internal tasks here
        // (their number follows open exchanges, not data volume) and does not expect rejection.
        static final ThreadPoolExecutor INSTANCE = new ThreadPoolExecutor(POOL_SIZE, POOL_SIZE, IDLE_SECONDS,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("noa-jdk-http", true));

        static {
            INSTANCE.allowCoreThreadTimeOut(true);
        }

        private Pool() {}
    }

    /** One generation of the shared threads. */
    static final class Threads {
        private final ScheduledThreadPoolExecutor timer;
        private final ThreadPoolExecutor pool;
        private final ScheduledExecutorService view;

        private Threads() {
            timer = new ScheduledThreadPoolExecutor(1, daemon("noa-jdk-scheduler", false));
            timer.setRemoveOnCancelPolicy(true);
            timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            view = new UnstoppableScheduler(timer);
            pool = Pool.INSTANCE;
        }

        /** The timer, as a view that refuses to be shut down by callers. */
        ScheduledExecutorService scheduler() {
            return view;
        }

        /** The executor of every {@code HttpClient} built while these threads live. */
        ExecutorService httpExecutor() {
            return pool;
        }

        /**
         * Stops the timer. The pool ({@link Pool}) is never shut down: its threads end on their own,
         * each after {@link #IDLE_SECONDS} idle seconds. An {@code HttpClient} of a closed transport
         * still has work to finish after the close (the peer's answer to a WebSocket close, a
         * pooled connection being let go), and on Java 17 an executor that refuses that work leaves
         * the exchange open for good: its {@code HttpClient}, selector thread and socket are then
         * never released (issue 17: realtime cycles on a given JDK transport kept a selector thread
         * each, chat cycles kept pooled connections open).
         */
        private void shutdown() {
            timer.shutdownNow();
        }
    }
}
