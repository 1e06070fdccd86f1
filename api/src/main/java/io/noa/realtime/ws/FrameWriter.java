package io.noa.realtime.ws;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands queued frames to the link in the order they were queued, one writer at a time, with no
 * other lock held.
 *
 * <p>Unlike a trampoline, whose first caller runs every task queued while it runs, here every
 * thread that queued a frame writes it itself, or waits while another thread writes what was
 * queued before it. So a transport's I/O thread that queues one frame (an ack answer, the flush
 * after a reconnect) never becomes the writer of a flood other threads keep producing: while one
 * thread writes, every other producer has queued at most one more frame and waits for the lock,
 * so each turn is bounded (issue 17, defect 14: the JDK transport's I/O thread encoded and wrote
 * the frames of 16 emitting threads for seconds, and reads, reconnects and acks starved).
 *
 * <p>A task queued by a task running here (a write that calls back into the ledger on the same
 * thread) is written by the running turn, after it: never nested, never reordered.
 */
final class FrameWriter {
    private static final System.Logger LOG = System.getLogger(FrameWriter.class.getName());

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock turn = new ReentrantLock();

    /** Queues a write; may be called under a lock. A later {@link #kick()} runs it. */
    void enqueue(Runnable write) {
        queue.add(write);
    }

    /** Writes what is queued, waiting while another thread writes; never call it under a lock. */
    void kick() {
        if (queue.isEmpty() || turn.isHeldByCurrentThread()) {
            return; // nothing to do, or the turn running on this thread writes it after the current task
        }
        turn.lock();
        try {
            for (Runnable r; (r = queue.poll()) != null; ) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Writing a frame failed; continuing with the next one", e);
                }
            }
        } finally {
            turn.unlock();
        }
    }
}
