package io.noa.realtime.transport.jdk;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time in submission order on whichever thread submits them: a task submitted
 * while another runs (from any thread, or re-entrantly from inside it) runs after it, never
 * concurrently and never nested. No thread hop, so callbacks stay on the I/O thread.
 */
final class Trampoline {
    private static final System.Logger LOG = System.getLogger(Trampoline.class.getName());

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();

    void execute(Runnable task) {
        queue.add(task);
        drain();
    }

    /** Queues a task without running it; {@link #drain()} runs it. */
    void enqueue(Runnable task) {
        queue.add(task);
    }

    /** Runs queued tasks unless another thread is running them already. */
    void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Runnable r;
            while ((r = queue.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "A noa-realtime callback threw; callbacks must not throw", e);
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
