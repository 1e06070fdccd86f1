package io.noa.realtime.transport.jdk;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code java.net.http.WebSocket} seen through the SPI.
 *
 * <p>Listener calls go through a {@link Trampoline}, so they are serial and stay on the thread
 * that produced them (a JDK I/O thread, or the caller of {@link #abort()}). Until the connector
 * calls {@link #open}, events are held back, so that {@code onOpen} always comes first and a
 * connect that fails or times out produces no callback at all. Exactly one terminal call is made,
 * guarded by {@link #terminated}.
 */
final class JdkWebSocketSession implements WebSocketSession {
    /** How long to wait for the peer's close frame after ours before aborting. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Close code sent for an incoming message over the limit (1008, policy violation). */
    static final int TOO_BIG_CODE = 1008;

    private final String target;
    private final WebSocketListener listener;
    private final ScheduledExecutorService scheduler;
    private final Receiver receiver;
    private final int maxMessageSize;
    private final Trampoline trampoline = new Trampoline();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean terminated = new AtomicBoolean();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final Object gate = new Object();
    private final List<Runnable> beforeOpen = new ArrayList<>();
    private volatile boolean opened;
    private volatile WebSocket ws;
    private volatile SendQueue sends;
    private volatile ScheduledFuture<?> closeTimer;

    JdkWebSocketSession(String target, WebSocketListener listener, int maxMessageSize, ScheduledExecutorService scheduler) {
        this.target = target;
        this.listener = listener;
        this.scheduler = scheduler;
        this.maxMessageSize = maxMessageSize;
        this.receiver = new Receiver(this, maxMessageSize);
    }

    WebSocket.Listener jdkListener() {
        return receiver;
    }

    /** Called by the JDK's onOpen, or by the connector, whichever comes first. */
    void attach(WebSocket webSocket) {
        synchronized (gate) {
            if (ws == null) {
                ws = webSocket;
                sends = new SendQueue(target, webSocket, this::outputFailed);
            }
        }
    }

    /**
     * The connector decided the session is open: call {@code onOpen}, then complete
     * {@code connected}, then pass on what arrived meanwhile.
     */
    void open(WebSocket webSocket, CompletableFuture<? super WebSocketSession> connected) {
        attach(webSocket);
        synchronized (gate) {
            trampoline.enqueue(() -> {
                listener.onOpen(this);
                if (!connected.complete(this)) {
                    abort(); // the caller cancelled the connect future after the handshake
                }
            });
            beforeOpen.forEach(trampoline::enqueue);
            beforeOpen.clear();
            opened = true;
        }
        trampoline.drain();
    }

    /** Runs a listener call in order, after onOpen. */
    void deliver(Runnable call) {
        if (!opened) {
            synchronized (gate) {
                if (!opened) {
                    beforeOpen.add(call);
                    return;
                }
            }
        }
        trampoline.execute(call);
    }

    /** Ends the session with onClose(code, reason), once. */
    void terminateWithClose(int code, String reason) {
        if (markTerminated("was closed")) {
            deliver(() -> listener.onClose(this, code, reason));
        }
    }

    /** Ends the session with onError(error), once. */
    void terminateWithError(Throwable error) {
        if (markTerminated("failed")) {
            deliver(() -> listener.onError(this, error));
        }
    }

    private boolean markTerminated(String why) {
        if (!terminated.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> t = closeTimer;
        if (t != null) {
            t.cancel(false);
        }
        SendQueue q = sends;
        if (q != null) {
            q.failPending(why);
        }
        return true;
    }

    boolean isTerminated() {
        return terminated.get();
    }

    /** Whether the receiver must keep reading whatever the demand: a close was sent and its answer is due. */
    boolean awaitingCloseReply() {
        return closeStarted.get() && !aborted.get();
    }

    long demand() {
        return demand.get();
    }

    /** Takes one unit of demand for a whole message; false if there is none. */
    boolean takeDemand() {
        while (true) {
            long d = demand.get();
            if (d <= 0) {
                return false;
            }
            if (d == Long.MAX_VALUE || demand.compareAndSet(d, d - 1)) {
                return true;
            }
        }
    }

    WebSocketListener listener() {
        return listener;
    }

    /**
     * The incoming message was too large: report it, then close and wait (bounded) for the peer's
     * answer. The close code is {@value #TOO_BIG_CODE}, not 1009: {@code java.net.http.WebSocket}
     * refuses to send 1009 (and 1002, 1003, 1007, 1010-1014) from a client.
     */
    void failTooBig(RuntimeException limitError) {
        terminateWithError(limitError);
        startClose(TOO_BIG_CODE, "message too big", true);
    }

    /** A frame could not be written because the connection failed: the session ends with that error. */
    private void outputFailed(TransportException error) {
        if (isTerminated()) {
            return;
        }
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
        terminateWithError(error);
    }

    /** The JDK saw the connection end (close frame or error): no close timer is needed any more. */
    void connectionEnded() {
        ScheduledFuture<?> t = closeTimer;
        if (t != null) {
            t.cancel(false);
        }
    }

    // ---- WebSocketSession ----

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        String copy = text.toString();
        if (OutgoingLimit.utf8LengthExceeds(copy, maxMessageSize)) {
            return CompletableFuture.failedFuture(OutgoingLimit.error(target, maxMessageSize));
        }
        return queue().send(w -> w.sendText(copy, true), copy.length());
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (data.remaining() > maxMessageSize) {
            return CompletableFuture.failedFuture(OutgoingLimit.error(target, maxMessageSize));
        }
        ByteBuffer view = data.duplicate(); // the JDK consumes the buffer it writes: the caller's stays as it was
        return queue().send(w -> w.sendBinary(view, true), view.remaining());
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (data.remaining() > 125) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "a ping carries at most 125 bytes, was " + data.remaining()));
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return queue().send(w -> w.sendPing(copy), copy.remaining());
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a close reason is at most 123 UTF-8 bytes"));
        }
        return startClose(code, reason, false);
    }

    private CompletableFuture<Void> startClose(int code, String reason, boolean afterTerminal) {
        SendQueue q = queue();
        if (terminated.get() && !afterTerminal) {
            return q.closeIfStarted(); // the session already ended: nothing left to close
        }
        closeStarted.set(true);
        CompletableFuture<Void> f = q.close(code, reason, afterTerminal);
        synchronized (gate) {
            if (closeTimer == null && !aborted.get()) {
                closeTimer = scheduler.schedule(this::closeTimedOut, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        receiver.requestMore(); // read the peer's close even without demand
        return f;
    }

    private void closeTimedOut() {
        WebSocket w = ws;
        aborted.set(true);
        if (w != null) {
            w.abort();
        }
        terminateWithError(new TransportException("The WebSocket peer " + target + " did not answer the close within "
                + CLOSE_TIMEOUT.toSeconds() + " s; the connection was aborted"));
    }

    @Override
    public void abort() {
        if (!aborted.compareAndSet(false, true)) {
            return;
        }
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
        ScheduledFuture<?> t = closeTimer;
        if (t != null) {
            t.cancel(false);
        }
        terminateWithError(new ConnectionClosedException("The WebSocket to " + target + " was aborted by the application"));
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("request(n) needs n > 0, was " + n);
        }
        demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
        receiver.requestMore();
    }

    @Override
    public long queuedBytes() {
        SendQueue q = sends;
        return q == null ? 0 : q.queuedBytes();
    }

    @Override
    public boolean isOpen() {
        return !terminated.get() && !closeStarted.get() && !aborted.get();
    }

    WebSocket webSocket() {
        return ws;
    }

    boolean isAborted() {
        return aborted.get();
    }

    String target() {
        return target;
    }

    private SendQueue queue() {
        SendQueue q = sends;
        if (q == null) {
            throw new IllegalStateException("the WebSocket to " + target + " is not open yet");
        }
        return q;
    }

    @Override
    public String toString() {
        return "JdkWebSocketSession{" + target + (isOpen() ? ", open" : ", closed") + '}';
    }
}
