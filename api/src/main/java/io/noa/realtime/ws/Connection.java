package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.IdleTimeoutException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import io.noa.realtime.event.EventCodec;
import io.noa.realtime.internal.Futures;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One WebSocket link: opening it, the protocol session on it, the handshake timeout, the heartbeat
 * and the end of it. It ends exactly once ({@link #isOpen()} turns false first) and then tells its
 * {@link Owner}.
 *
 * <p>Its lock guards the protocol session and the timers only. Nothing leaves this class while the
 * lock is held: what the protocol reports during a call (events, acks, the handshake, frames to
 * send) is collected and handed on after the lock is released, in order.
 */
final class Connection implements WebSocketListener, WireProtocol.Context, AckLedger.Link {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** What a link reports; every call is made with no lock held. */
    interface Owner {
        /** The protocol handshake succeeded; {@code recovered}: the server restored the previous session. */
        void linkReady(Connection c, String sessionId, boolean recovered);

        /** The protocol's carry-over slot of this client (see {@link WireProtocol.Context#carryOver()}). */
        AtomicReference<Object> carryOver();

        /**
         * An event ({@code ackId} of ours, or {@code -1}) or an answer ({@code ackId -1}) was not
         * sent: its frame is over the protocol's {@link WireProtocol.Session#maxFrameBytes()}.
         */
        void frameRejected(long ackId, RealtimeException error);

        /** The link ended (once per link), or could not be opened. */
        void linkEnded(Connection c, String reason, Throwable error, boolean mayReconnect);

        /** An inbound event; {@code ackId} is {@code -1} unless the peer asks for an answer. */
        void eventReceived(Connection c, String event, JsonNode data, long ackId);

        /** The answer (or refusal, {@code error} non-null) to one of our acked emits. */
        void ackReceived(long ackId, JsonNode data, RealtimeException error);

        /** A frame that does not decode; the link stays up. */
        void protocolError(RealtimeException error);
    }

    private final Object lock = new Object();
    /** Held while the frames of one message are handed to the session, so no other frame goes between them. */
    private final Object sendLock = new Object();
    private final Owner owner;
    private final Transport transport;
    private final RealtimeOptions options;
    private final String target;
    private final JsonNode auth;
    private final BooleanSupplier mayRead;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile WebSocketSession ws;
    private volatile CompletableFuture<WebSocketSession> connecting;
    private volatile long lastInbound = System.nanoTime();
    /**
     * Frames handed to the transport, oldest first, as {@code {nanoTime, done}}, back to the
     * oldest one not yet written (its own lock): how long the send queue makes frames wait.
     */
    private final ArrayDeque<long[]> sendTimes = new ArrayDeque<>();
    // guarded by lock
    private WireProtocol.Session proto;
    private boolean ready;
    private List<Runnable> reports;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> heartbeatTimer;
    private ScheduledFuture<?> livenessTimer;
    private long livenessArm;

    Connection(Owner owner, Transport transport, RealtimeOptions options, String target, JsonNode auth,
            BooleanSupplier mayRead) {
        this.owner = owner;
        this.transport = transport;
        this.options = options;
        this.target = target;
        this.auth = auth;
        this.mayRead = mayRead;
    }

    /** Opens the WebSocket; the outcome arrives through the listener methods. */
    void start() {
        if (ended.get()) {
            return; // closed before it started
        }
        Duration timeout = options.timeout();
        synchronized (lock) {
            handshakeTimer = transport.scheduler().schedule(this::handshakeTimedOut, timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        CompletableFuture<WebSocketSession> f;
        try {
            f = transport.webSocket().connect(options.protocol().connectUri(options.url()), options.headers(),
                    timeout, this);
        } catch (RuntimeException e) {
            end("transport error", e, true);
            return;
        }
        connecting = f;
        if (ended.get()) {
            f.cancel(true);
        }
        f.whenComplete((session, err) -> {
            if (err != null) {
                end("transport error", Futures.unwrap(err), true);
            }
        });
    }

    private void handshakeTimedOut() {
        boolean fire;
        synchronized (lock) {
            fire = !ready;
        }
        if (fire) {
            end("transport error", new ConnectTimeoutException(target, options.timeout()), true);
        }
    }

    /** Ends the link (once): timers off, socket dropped, then the owner is told. */
    private void end(String reason, Throwable error, boolean mayReconnect) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        cancelTimers();
        WebSocketSession s = ws;
        if (s != null) {
            s.abort();
        } else {
            cancelConnecting();
        }
        owner.linkEnded(this, reason, error, mayReconnect);
    }

    /**
     * A polite close asked for by the application (protocol goodbye frame, close code 1000); the
     * owner already knows. {@code dropSocket}: abort the socket once the close frame is written
     * (or failed) instead of waiting for the peer's answer; an unstarted or half-open attempt is
     * cancelled either way.
     */
    void closeNormally(boolean dropSocket) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        String bye;
        synchronized (lock) {
            bye = proto != null && ready ? proto.closingFrame() : "";
        }
        cancelTimers();
        WebSocketSession s = ws;
        if (s != null) {
            if (!bye.isEmpty()) {
                synchronized (sendLock) {
                    s.sendText(bye);
                }
            }
            CompletableFuture<Void> written = s.close(1000, "client disconnect");
            if (dropSocket) {
                written.whenComplete((v, e) -> s.abort());
            }
        } else {
            cancelConnecting();
        }
    }

    private void cancelConnecting() {
        CompletableFuture<WebSocketSession> f = connecting;
        if (f != null) {
            f.cancel(true);
        }
    }

    private void cancelTimers() {
        synchronized (lock) {
            for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {handshakeTimer, heartbeatTimer, livenessTimer}) {
                if (t != null) {
                    t.cancel(false);
                }
            }
        }
    }

    void resumeReading() {
        WebSocketSession s = ws;
        if (s != null && !ended.get() && paused.compareAndSet(true, false)) {
            s.request(1);
        }
    }

    private void requestNext(WebSocketSession s) {
        if (mayRead.getAsBoolean()) {
            s.request(1);
        } else {
            paused.set(true);
            if (mayRead.getAsBoolean()) {
                resumeReading();
            }
        }
    }

    /** Under lock, inside a protocol call: hand {@code r} on once the lock is released. */
    private void report(Runnable r) {
        if (!Thread.holdsLock(lock)) {
            r.run();
            return;
        }
        if (reports == null) {
            reports = new ArrayList<>(2);
        }
        reports.add(r);
    }

    /** Under lock: what the protocol reported during this call. */
    private List<Runnable> takeReports() {
        List<Runnable> r = reports;
        reports = null;
        return r;
    }

    private static void run(List<Runnable> reports) {
        if (reports != null) {
            for (Runnable r : reports) {
                r.run();
            }
        }
    }

    // ------------------------------------------------------------ WebSocketListener

    @Override
    public void onOpen(WebSocketSession session) {
        List<Runnable> todo = null;
        synchronized (lock) {
            if (!ended.get()) {
                ws = session;
                lastInbound = System.nanoTime();
                proto = options.protocol().open(this);
                proto.onOpen();
                todo = takeReports();
            }
        }
        if (ended.get()) { // ended before, or while, the session was stored: end() may not have seen it
            session.abort();
            return;
        }
        run(todo);
        session.request(1);
    }

    @Override
    public void onText(WebSocketSession session, CharSequence text) {
        lastInbound = System.nanoTime();
        List<Runnable> todo;
        synchronized (lock) {
            if (ended.get()) {
                return;
            }
            proto.onText(text);
            todo = takeReports();
        }
        run(todo);
        requestNext(session);
    }

    @Override
    public void onBinary(WebSocketSession session, ByteBuffer data) {
        lastInbound = System.nanoTime();
        List<Runnable> todo;
        synchronized (lock) {
            if (ended.get()) {
                return;
            }
            proto.onBinary(data, this);
            todo = takeReports();
        }
        run(todo);
        requestNext(session);
    }

    @Override
    public void onPong(WebSocketSession session, ByteBuffer data) {
        lastInbound = System.nanoTime();
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        end("transport close", new TransportException("The server closed the WebSocket " + target + " with code "
                + code + (reason.isEmpty() ? "" : " (" + reason + ")")), true);
    }

    @Override
    public void onError(WebSocketSession session, Throwable error) {
        Throwable e = error instanceof RealtimeException ? error
                : new TransportException("WebSocket " + target + " failed", error);
        end("transport error", e, true);
    }

    // ------------------------------------------------------------ AckLedger.Link

    @Override
    public boolean isOpen() {
        return !ended.get();
    }

    @Override
    public long queuedBytes() {
        WebSocketSession s = ws;
        return s == null ? 0 : s.queuedBytes();
    }

    @Override
    public long oldestQueuedNanos() {
        synchronized (sendTimes) {
            long[] first = sendTimes.peekFirst();
            return first == null ? 0 : Math.max(1, System.nanoTime() - first[0]);
        }
    }

    @Override
    public void write(String event, JsonNode data, long ackId) {
        WireMessage message;
        long max;
        try {
            synchronized (lock) {
                message = ready && !ended.get() ? proto.encodeEventMessage(event, data, ackId) : null;
                max = message == null ? Long.MAX_VALUE : proto.maxFrameBytes();
            }
        } catch (RealtimeException e) { // the protocol refused to encode it (e.g. over a limit)
            if (ackId >= 0) {
                throw e; // the ledger fails that emit with it
            }
            owner.protocolError(e);
            return;
        }
        if (message != null && oversized(message.text(), max, "event '" + event + "'", ackId)) {
            return;
        }
        sendNow(message);
    }

    @Override
    public void writeAck(long ackId, JsonNode data) {
        WireMessage message;
        long max;
        try {
            synchronized (lock) {
                message = ready && !ended.get() ? proto.encodeAckMessage(ackId, data) : null;
                max = message == null ? Long.MAX_VALUE : proto.maxFrameBytes();
            }
        } catch (RealtimeException e) { // the answer is not sent; the peer's own timeout applies
            owner.protocolError(e);
            return;
        }
        if (message != null && oversized(message.text(), max, "answer to the peer's acknowledgement " + ackId, -1)) {
            return;
        }
        sendNow(message);
    }

    /** Whether {@code frame} is over the peer's limit; if so it is reported (no lock held) and not sent. */
    private boolean oversized(String frame, long max, String what, long ackId) {
        if (max == Long.MAX_VALUE || (long) frame.length() * 3 <= max) {
            return false; // a UTF-16 unit is at most 3 UTF-8 bytes
        }
        long bytes = utf8Length(frame);
        if (bytes <= max) {
            return false;
        }
        owner.frameRejected(ackId, new LimitExceededException("The frame of the " + what + " (" + bytes
                + " bytes; not sent to " + target + ")", "maxPayload", max));
        return true;
    }

    private static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private void sendNow(String frame) {
        WebSocketSession s = ws;
        if (frame == null || s == null || ended.get()) {
            return;
        }
        synchronized (sendLock) {
            tracked(() -> s.sendText(frame));
        }
    }

    /**
     * Hands the frames of one message to the session back to back (the session queues them in
     * call order; the transport's queue, which the ledger bounds with {@code maxQueuedBytes},
     * counts the attachments too).
     */
    private void sendNow(WireMessage message) {
        WebSocketSession s = ws;
        if (message == null || s == null || ended.get()) {
            return;
        }
        if (message.attachments().isEmpty()) {
            sendNow(message.text());
            return;
        }
        synchronized (sendLock) {
            tracked(() -> s.sendText(message.text()));
            for (ByteBuffer b : message.attachments()) {
                tracked(() -> s.sendBinary(b.duplicate()));
            }
        }
    }

    /**
     * Sends one frame and records when it was handed to the transport until it is written (or
     * failed), for {@link #oldestQueuedNanos()}.
     */
    private void tracked(java.util.function.Supplier<java.util.concurrent.CompletableFuture<Void>> send) {
        long[] sent = {System.nanoTime(), 0};
        synchronized (sendTimes) {
            sendTimes.addLast(sent);
        }
        send.get().whenComplete((v, err) -> {
            synchronized (sendTimes) { // a send may fail at once while older ones still wait: drop done ones from the head
                sent[1] = 1;
                for (long[] head; (head = sendTimes.peekFirst()) != null && head[1] != 0; ) {
                    sendTimes.pollFirst();
                }
            }
            logSendFailure(v, err);
        });
    }

    private void logSendFailure(Void ignored, Throwable err) {
        if (err != null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "Send to " + target + " failed: " + err);
        }
    }

    // ------------------------------------------------------------ WireProtocol.Context (under lock)

    @Override
    public String target() {
        return target;
    }

    @Override
    public JsonNode auth() {
        return auth;
    }

    @Override
    public EventCodec codec() {
        return options.codec();
    }

    @Override
    public void send(String frame) {
        report(() -> sendNow(frame));
    }

    @Override
    public void send(WireMessage message) {
        report(() -> sendNow(message));
    }

    @Override
    public void handshakeSucceeded(String sessionId) {
        handshakeSucceeded(sessionId, false);
    }

    @Override
    public AtomicReference<Object> carryOver() {
        return owner.carryOver();
    }

    @Override
    public void handshakeSucceeded(String sessionId, boolean recovered) {
        if (ready || ended.get()) {
            return;
        }
        ready = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (proto.heartbeat() == WireProtocol.Heartbeat.CLIENT_PING) {
            long every = options.heartbeatInterval().toMillis();
            heartbeatTimer = transport.scheduler().scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
        }
        report(() -> owner.linkReady(this, sessionId, recovered));
    }

    @Override
    public void handshakeFailed(RealtimeException error) {
        report(() -> end("handshake refused", error, true));
    }

    @Override
    public void event(String event, JsonNode data, long ackId) {
        report(() -> owner.eventReceived(this, event, data, ackId));
    }

    @Override
    public void ack(long ackId, JsonNode data) {
        report(() -> owner.ackReceived(ackId, data, null));
    }

    @Override
    public void ackError(long ackId, RealtimeException error) {
        report(() -> owner.ackReceived(ackId, null, error));
    }

    @Override
    public void protocolError(RealtimeException error) {
        report(() -> owner.protocolError(error));
    }

    @Override
    public void expectTrafficWithin(Duration timeout) {
        if (livenessTimer != null) {
            livenessTimer.cancel(false);
        }
        long arm = ++livenessArm;
        livenessTimer = transport.scheduler().schedule(() -> checkLiveness(arm, timeout), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * The window of {@link #expectTrafficWithin} slides: a frame that arrived meanwhile moves it to
     * that frame (the timer is re-armed for the rest), so the link is dead only after
     * {@code timeout} of silence, whatever arrived last.
     */
    private void checkLiveness(long arm, Duration timeout) {
        long rest = timeout.toNanos() - (System.nanoTime() - lastInbound);
        if (rest > 0) {
            synchronized (lock) {
                if (arm == livenessArm && !ended.get()) {
                    livenessTimer = transport.scheduler().schedule(() -> checkLiveness(arm, timeout), rest,
                            TimeUnit.NANOSECONDS);
                }
            }
            return;
        }
        boolean current;
        synchronized (lock) {
            current = arm == livenessArm;
        }
        if (current && !ended.get()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "No frame from " + target + " within " + timeout.toMillis()
                    + " ms; closing the silent link");
            end("ping timeout", new IdleTimeoutException(target, timeout), true);
        }
    }

    @Override
    public void serverDisconnected(String reason) {
        report(() -> end("io server disconnect", null, false));
    }

    // ------------------------------------------------------------ heartbeat

    private void ping() {
        WebSocketSession s = ws;
        if (s == null || ended.get()) {
            return;
        }
        long sentAt = System.nanoTime();
        s.sendPing(EMPTY.duplicate());
        transport.scheduler().schedule(() -> checkTraffic(sentAt, options.pongTimeout()),
                options.pongTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The link is dead if nothing (no pong, no frame) arrived since {@code since}. */
    private void checkTraffic(long since, Duration timeout) {
        if (ended.get() || lastInbound - since > 0) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "No traffic from " + target + " within " + timeout.toMillis()
                + " ms; closing the half-open link");
        end("ping timeout", new IdleTimeoutException(target, timeout), true);
    }
}
