package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.IdleTimeoutException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import io.noa.realtime.event.EventCodec;
import io.noa.realtime.spi.WebSocketListener;
import io.noa.realtime.spi.WebSocketSession;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection of a {@link RealtimeClient}: the transport listener, the protocol
 * context, the handshake timeout and the heartbeat. Protocol calls happen under the client lock;
 * anything that ends the connection or runs callbacks happens after the lock is released.
 */
final class Connection implements WebSocketListener, WireProtocol.Context {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final RealtimeClient client;
    private final RealtimeOptions options;
    private final JsonNode auth;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile WebSocketSession ws;
    private volatile CompletableFuture<WebSocketSession> connecting;
    private volatile long lastInbound = System.nanoTime();
    // guarded by client.lock
    private WireProtocol.Session proto;
    private boolean ready;
    private Runnable afterUnlock;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> heartbeatTimer;
    private ScheduledFuture<?> livenessTimer;

    Connection(RealtimeClient client, JsonNode auth) {
        this.client = client;
        this.options = client.options();
        this.auth = auth;
    }

    /** Under lock. */
    void start() {
        Duration timeout = options.timeout();
        handshakeTimer = client.transport().scheduler().schedule(this::handshakeTimedOut, timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        connecting = client.transport().webSocket().connect(options.protocol().connectUri(options.url()),
                options.headers(), timeout, this);
        connecting.whenComplete((session, err) -> {
            if (err != null) {
                client.connectionFailed(this, RealtimeClient.unwrap(err));
            }
        });
    }

    private void handshakeTimedOut() {
        boolean fire;
        synchronized (client.lock) {
            fire = !ready && client.isCurrent(this);
        }
        if (fire) {
            client.connectionFailed(this, new ConnectTimeoutException(client.target(), options.timeout()));
        }
    }

    boolean ready() {
        return ready && !ended.get();
    }

    long queuedBytes() {
        WebSocketSession s = ws;
        return s == null ? 0 : s.queuedBytes();
    }

    long nextAckId() {
        return proto.nextAckId();
    }

    String encodeEvent(String event, JsonNode data, long ackId) {
        return proto.encodeEvent(event, data, ackId);
    }

    String encodeAck(long ackId, JsonNode data) {
        return proto.encodeAck(ackId, data);
    }

    /** Under lock: a polite close (protocol goodbye frame, close code 1000). */
    void closeNormally() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        cancelTimers();
        WebSocketSession s = ws;
        if (s != null) {
            if (proto != null && ready) {
                String bye = proto.closingFrame();
                if (!bye.isEmpty()) {
                    s.sendText(bye);
                }
            }
            s.close(1000, "client disconnect");
        } else if (connecting != null) {
            connecting.cancel(true);
        }
    }

    /** Drops the link at once. */
    void abort() {
        ended.set(true);
        cancelTimers();
        WebSocketSession s = ws;
        if (s != null) {
            s.abort();
        } else if (connecting != null) {
            connecting.cancel(true);
        }
    }

    private void cancelTimers() {
        for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {handshakeTimer, heartbeatTimer, livenessTimer}) {
            if (t != null) {
                t.cancel(false);
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
        if (client.mayRead()) {
            s.request(1);
        } else {
            paused.set(true);
            if (client.mayRead()) {
                resumeReading();
            }
        }
    }

    /** Runs what a protocol call under the lock deferred (an end of the connection), then callbacks. */
    private void afterUnlock() {
        Runnable r;
        synchronized (client.lock) {
            r = afterUnlock;
            afterUnlock = null;
        }
        if (r != null) {
            r.run();
        }
        client.kick();
    }

    // ------------------------------------------------------------ WebSocketListener

    @Override
    public void onOpen(WebSocketSession session) {
        synchronized (client.lock) {
            if (!client.isCurrent(this) || ended.get()) {
                session.abort();
                return;
            }
            ws = session;
            lastInbound = System.nanoTime();
            proto = options.protocol().open(this);
            proto.onOpen();
        }
        afterUnlock();
        session.request(1);
    }

    @Override
    public void onText(WebSocketSession session, CharSequence text) {
        lastInbound = System.nanoTime();
        synchronized (client.lock) {
            if (!client.isCurrent(this) || ended.get()) {
                return;
            }
            proto.onText(text);
        }
        afterUnlock();
        requestNext(session);
    }

    @Override
    public void onBinary(WebSocketSession session, ByteBuffer data) {
        lastInbound = System.nanoTime();
        synchronized (client.lock) {
            if (!client.isCurrent(this) || ended.get()) {
                return;
            }
            proto.onBinary(data, this);
        }
        afterUnlock();
        requestNext(session);
    }

    @Override
    public void onPong(WebSocketSession session, ByteBuffer data) {
        lastInbound = System.nanoTime();
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        client.linkEnded(this, "transport close", new TransportException("The server closed the WebSocket "
                + client.target() + " with code " + code + (reason.isEmpty() ? "" : " (" + reason + ")")), true);
    }

    @Override
    public void onError(WebSocketSession session, Throwable error) {
        Throwable e = error instanceof RealtimeException ? error
                : new TransportException("WebSocket " + client.target() + " failed", error);
        client.linkEnded(this, "transport error", e, true);
    }

    // ------------------------------------------------------------ WireProtocol.Context

    @Override
    public String target() {
        return client.target();
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
        WebSocketSession s = ws;
        if (s == null || ended.get()) {
            return;
        }
        s.sendText(frame).whenComplete((v, err) -> {
            if (err != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "Send to " + client.target() + " failed: " + err);
            }
        });
    }

    @Override
    public void handshakeSucceeded(String sessionId) {
        if (ready || ended.get()) {
            return;
        }
        ready = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (proto.heartbeat() == WireProtocol.Heartbeat.CLIENT_PING) {
            long every = options.heartbeatInterval().toMillis();
            heartbeatTimer = client.transport().scheduler().scheduleAtFixedRate(this::ping, every, every,
                    TimeUnit.MILLISECONDS);
        }
        client.handshakeDone(this, sessionId);
    }

    @Override
    public void handshakeFailed(RealtimeException error) {
        afterUnlock = () -> client.linkEnded(this, "handshake refused", error, true);
    }

    @Override
    public void event(String event, JsonNode data, long ackId) {
        client.eventReceived(this, event, data, ackId);
    }

    @Override
    public void ack(long ackId, JsonNode data) {
        client.ackReceived(this, ackId, data, null);
    }

    @Override
    public void ackError(long ackId, RealtimeException error) {
        client.ackReceived(this, ackId, null, error);
    }

    @Override
    public void protocolError(RealtimeException error) {
        client.protocolError(error);
    }

    @Override
    public void expectTrafficWithin(Duration timeout) {
        if (livenessTimer != null) {
            livenessTimer.cancel(false);
        }
        long armedAt = System.nanoTime();
        livenessTimer = client.transport().scheduler().schedule(() -> checkTraffic(armedAt, timeout),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void serverDisconnected(String reason) {
        afterUnlock = () -> client.linkEnded(this, "io server disconnect", null, false);
    }

    // ------------------------------------------------------------ heartbeat

    private void ping() {
        WebSocketSession s = ws;
        if (s == null || ended.get()) {
            return;
        }
        long sentAt = System.nanoTime();
        s.sendPing(EMPTY.duplicate());
        client.transport().scheduler().schedule(() -> checkTraffic(sentAt, options.pongTimeout()),
                options.pongTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The link is dead if nothing (no pong, no frame) arrived since {@code since}. */
    private void checkTraffic(long since, Duration timeout) {
        if (ended.get() || lastInbound - since > 0) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "No traffic from " + client.target() + " within " + timeout.toMillis()
                + " ms; closing the half-open link");
        client.linkEnded(this, "ping timeout", new IdleTimeoutException(client.target(), timeout), true);
    }
}
