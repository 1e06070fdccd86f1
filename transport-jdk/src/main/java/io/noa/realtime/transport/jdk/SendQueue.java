package io.noa.realtime.transport.jdk;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Puts sends on a {@link WebSocket} one at a time, in call order.
 *
 * <p>{@code java.net.http.WebSocket} allows only one outstanding send (per kind): a send issued
 * before the previous one's future completed fails inside its future with "Send pending". So
 * every send waits here until the one before it has been written; {@link #queuedBytes()} counts
 * what waits or is being written.
 */
final class SendQueue {
    private final String target;
    private final WebSocket ws;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private boolean inFlight;
    private boolean closed; // no more sends accepted (close queued, or session ended)
    private boolean ended; // the session ended: not even a close is sent unless forced
    private CompletableFuture<Void> closeFuture;
    private final java.util.function.Consumer<TransportException> outputFailed;

    /**
     * @param outputFailed told (once per failed send) when a frame could not be written because the
     *     connection failed: the session ends then, even while nothing reads the socket
     */
    SendQueue(String target, WebSocket ws, java.util.function.Consumer<TransportException> outputFailed) {
        this.target = target;
        this.ws = ws;
        this.outputFailed = outputFailed;
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Queues a data or ping frame. */
    CompletableFuture<Void> send(Function<WebSocket, CompletableFuture<WebSocket>> op, long bytes) {
        Pending p = new Pending(op, bytes);
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new ConnectionClosedException("The WebSocket to " + target
                        + " is closing or closed; the message was not sent"));
            }
            queuedBytes.addAndGet(bytes);
            queue.add(p);
        }
        pump();
        return p.future;
    }

    /**
     * Queues the close frame after everything queued before; later sends fail. Idempotent.
     *
     * @param force queue it even after {@link #failPending}, to close after a local failure
     */
    CompletableFuture<Void> close(int code, String reason, boolean force) {
        Pending p;
        synchronized (this) {
            if (closeFuture != null) {
                return closeFuture;
            }
            if (ended && !force) {
                return CompletableFuture.completedFuture(null);
            }
            long bytes = 2L + reason.length();
            p = new Pending(w -> w.sendClose(code, reason), bytes);
            closeFuture = p.future;
            closed = true;
            queuedBytes.addAndGet(bytes);
            queue.add(p);
        }
        pump();
        return p.future;
    }

    /** The close already queued, or a completed future when none was. */
    synchronized CompletableFuture<Void> closeIfStarted() {
        return closeFuture != null ? closeFuture : CompletableFuture.completedFuture(null);
    }

    /** Fails every send not yet started; later sends fail too. */
    void failPending(String why) {
        List<Pending> dropped;
        synchronized (this) {
            closed = true;
            ended = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
        }
        for (Pending p : dropped) {
            queuedBytes.addAndGet(-p.bytes);
            p.future.completeExceptionally(new ConnectionClosedException("The WebSocket to " + target + " " + why
                    + " before the frame was sent"));
        }
    }

    private void pump() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Pending next;
            synchronized (this) {
                next = inFlight ? null : queue.poll();
                if (next != null) {
                    inFlight = true;
                }
            }
            if (next != null) {
                start(next); // may complete inline; then the loop starts the following one
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void start(Pending p) {
        CompletableFuture<WebSocket> f;
        try {
            f = p.op.apply(ws);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((w, e) -> {
            queuedBytes.addAndGet(-p.bytes);
            synchronized (this) {
                inFlight = false;
            }
            if (e == null) {
                p.future.complete(null);
            } else {
                Throwable mapped = mapSendError(e);
                p.future.completeExceptionally(mapped);
                if (mapped instanceof TransportException && JdkHttpStreaming.unwrap(e) instanceof java.io.IOException) {
                    // the connection is gone: say so now. The reader would see it too, but only when it
                    // reads, and a client that is not reading (no demand) kept writing into a dead link
                    // (issue 17, defect 14: links cut by a proxy were seen seconds late under a flood)
                    outputFailed.accept((TransportException) mapped);
                }
            }
            pump(); // inline completion inside the pump loop just makes that loop go round again
        });
    }

    private Throwable mapSendError(Throwable e) {
        Throwable c = JdkHttpStreaming.unwrap(e);
        if (c instanceof IllegalArgumentException || c instanceof RealtimeException) {
            return c;
        }
        return new TransportException("Sending on the WebSocket to " + target + " failed: " + c, c);
    }

    private static final class Pending {
        final Function<WebSocket, CompletableFuture<WebSocket>> op;
        final long bytes;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Pending(Function<WebSocket, CompletableFuture<WebSocket>> op, long bytes) {
            this.op = op;
            this.bytes = bytes;
        }
    }
}
