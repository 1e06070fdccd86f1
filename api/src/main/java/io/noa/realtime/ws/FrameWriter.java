package io.noa.realtime.ws;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands queued frames to the link in the order they were queued, one writer at a time, with no
 * other lock held.
 *
 * <p>Unlike a trampoline, whose first caller runs every task queued while it runs, here an
 * application thread that queued a frame writes it itself, or waits while another thread writes
 * what was queued before it ({@link #kick()}). So a transport's I/O thread that queues one frame
 * (an ack answer, the flush after a reconnect) never becomes the writer of a flood other threads
 * keep producing: while one thread writes, every other producer has queued at most one more frame
 * and waits for the lock, so each turn is bounded (issue 17, defect 14: the JDK transport's I/O
 * thread encoded and wrote the frames of 16 emitting threads for seconds, and reads, reconnects
 * and acks starved). The I/O threads and the timer never wait for the turn
 * ({@link #kickWithoutWaiting()}): a reader parked behind a flood of application frames stops
 * reading, which starved them as surely.
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

    /**
     * Writes what is queued, waiting while another thread writes; for an application thread that
     * queued a frame of its own (the wait is the emit's back-pressure). Never call it under a lock.
     */
    void kick() {
        if (queue.isEmpty() || turn.isHeldByCurrentThread()) {
            return; // nothing to do, or the turn running on this thread writes it after the current task
        }
        turn.lock();
        writeAndRelease();
    }

    /**
     * Writes what is queued if no other thread is writing, else leaves it to that thread and
     * returns at once: for a transport's I/O thread and the timer (an ack that arrived, the answer
     * to the peer's ack, the flush after a reconnect, a timeout sweep), which must never wait
     * behind application threads' frames: a JDK reader parked here stops reading the socket, so
     * the link's end and the answers of the peer are seen late and acks time out (issue 17,
     * defect 14). Never call it under a lock.
     */
    void kickWithoutWaiting() {
        if (queue.isEmpty() || turn.isHeldByCurrentThread()) {
            return;
        }
        if (turn.tryLock()) {
            writeAndRelease();
        }
        // else: the holder looks at the queue again after it lets go of the turn (writeAndRelease)
    }

    /**
     * Holding the turn: writes until the queue is empty, lets go, then looks again. A frame queued
     * by a thread that did not wait ({@link #kickWithoutWaiting()}) while this thread held the turn
     * is written by the next holder: a waiting thread if there is one, else this one.
     */
    private void writeAndRelease() {
        while (true) {
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
            if (queue.isEmpty() || turn.hasQueuedThreads() || !turn.tryLock()) {
                return; // nothing left, or a waiting (or newly arrived) holder writes it
            }
        }
    }
}
