package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.ConnectionStateMachine;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.event.EventBus;
import io.noa.realtime.internal.Futures;
import io.noa.realtime.spi.Transport;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Keeps a {@link RealtimeClient} linked: opens one {@link Connection} at a time, drives the state
 * machine, reconnects with the retry policy, and tells the link-scoped parts (ledger, rooms,
 * presence, typing) when a link is up or down. Its lock guards only its own fields (the current
 * link, the attempt count, the reconnect timer); every call to another class is made after it is
 * released, and user callbacks are only queued.
 */
final class LinkSupervisor implements Connection.Owner {
    private final RealtimeOptions options;
    private final Transport transport;
    private final String target;
    private final RetryPolicy retryPolicy;
    private final ConnectionStateMachine machine;
    private final Callbacks callbacks;
    private final EventBus bus;
    private final AckLedger ledger;
    private final Rooms rooms;
    private final Presence presence;
    private final Collection<TypingIndicator> typing;

    private final Object lock = new Object();
    // written under lock; read without it only to resume reading
    private volatile Connection current;
    // guarded by lock
    private int attempts;
    private ScheduledFuture<?> reconnectTimer;
    private volatile String sessionId = "";
    /** Whether the current (or last) link restored the previous session. */
    private volatile boolean recovered;
    /** The protocol's state carried from link to link; emptied on an explicit disconnect. */
    private final AtomicReference<Object> carry = new AtomicReference<>();
    // metrics and retry reporting
    private final io.noa.realtime.ClientEventListener metrics;
    private io.noa.realtime.RetryEvent pendingRetry; // guarded by lock
    private boolean running; // between connect() and the end reported to metrics; guarded by lock
    private volatile Connection firstEventOf;
    private final java.util.concurrent.atomic.AtomicLong eventCount = new java.util.concurrent.atomic.AtomicLong();

    LinkSupervisor(RealtimeOptions options, Transport transport, String target, ConnectionStateMachine machine,
            Callbacks callbacks, EventBus bus, AckLedger ledger, Rooms rooms, Presence presence,
            Collection<TypingIndicator> typing) {
        this.options = options;
        this.transport = transport;
        this.target = target;
        this.retryPolicy = options.retryPolicy();
        this.machine = machine;
        this.callbacks = callbacks;
        this.bus = bus;
        this.ledger = ledger;
        this.rooms = rooms;
        this.presence = presence;
        this.typing = typing;
        this.metrics = options.eventListener();
        callbacks.onDrained(() -> {
            Connection c = current;
            if (c != null) {
                c.resumeReading();
            }
        });
    }

    String sessionId() {
        return sessionId;
    }

    boolean recovered() {
        return recovered;
    }

    void connect() {
        synchronized (lock) {
            ConnectionState s = machine.state();
            if (s == ConnectionState.CONNECTING || s == ConnectionState.CONNECTED || s == ConnectionState.RECONNECTING) {
                return;
            }
            attempts = 0;
            running = true;
            eventCount.set(0);
            machine.transitionTo(ConnectionState.CONNECTING, null);
        }
        startAttempt();
        callbacks.kick();
    }

    void disconnect() {
        disconnect(false);
    }

    /**
     * Closes the link and stops reconnecting. {@code dropSocket}: the transport is about to be
     * closed with the client, so the socket is dropped as soon as the close frame is written,
     * instead of waiting (bounded by the transport's close timer, which stops with the transport)
     * for a peer that may never answer.
     */
    void disconnect(boolean dropSocket) {
        Connection c;
        boolean ended;
        synchronized (lock) {
            if (machine.state() == ConnectionState.CLOSED) {
                return;
            }
            ended = running;
            running = false;
            pendingRetry = null;
            boolean wasConnected = machine.state() == ConnectionState.CONNECTED;
            cancelReconnect();
            c = current;
            current = null;
            machine.transitionTo(ConnectionState.CLOSED, null);
            sessionId = "";
            recovered = false;
            carry.set(null); // no connection-state recovery after an explicit disconnect
            if (wasConnected) {
                callbacks.disconnected("io client disconnect");
            }
        }
        if (c != null) {
            c.closeNormally(dropSocket);
        }
        ledger.close(new ConnectionClosedException("The client was disconnected by the application"));
        linkScopedDown(c);
        if (ended) {
            metrics.end(target, java.util.Optional.empty());
        }
        callbacks.kick();
    }

    private void cancelReconnect() {
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
            reconnectTimer = null;
        }
    }

    /** Calls the auth supplier (user code: no lock held) and opens a link, unless the client was closed meanwhile. */
    private void startAttempt() {
        int attempt;
        synchronized (lock) {
            attempt = attempts;
        }
        metrics.connectStart(target, attempt);
        Object authValue;
        try {
            authValue = options.auth().get();
        } catch (RuntimeException e) {
            linkEnded(null, "transport error", new RealtimeException("The auth supplier threw: "
                    + e.getClass().getSimpleName(), e), true);
            return;
        }
        Connection c = new Connection(this, transport, options, target, options.codec().encode(authValue),
                callbacks::mayRead);
        synchronized (lock) {
            ConnectionState s = machine.state();
            if ((s != ConnectionState.CONNECTING && s != ConnectionState.RECONNECTING) || current != null) {
                return;
            }
            current = c;
        }
        c.start();
    }

    private void reconnectNow() {
        synchronized (lock) {
            if (machine.state() != ConnectionState.RECONNECTING || current != null) {
                return;
            }
            reconnectTimer = null;
            io.noa.realtime.RetryEvent retry = pendingRetry;
            pendingRetry = null;
            if (retry != null) {
                callbacks.retry(l -> l.onRetryStarted(retry));
            }
        }
        startAttempt();
        callbacks.kick();
    }

    // ---------------------------------------------------------------- Connection.Owner

    @Override
    public void linkReady(Connection c, String sid, boolean restored) {
        synchronized (lock) {
            if (current != c) {
                return;
            }
            sessionId = sid;
            recovered = restored;
            attempts = 0;
            machine.transitionTo(ConnectionState.CONNECTED, null);
        }
        metrics.connectEnd(target);
        // order on the wire: room re-joins (none that the restored session still has), presence, then the
        // buffered emits
        rooms.linkUp(c, restored);
        presence.linkUp(c);
        ledger.linkUp(c);
        if (c.isOpen()) {
            callbacks.connected();
        }
        callbacks.kick();
    }

    /**
     * The attempt ({@code c == null}: before a link existed) or the live link ended.
     * {@code reason} is socket.io's reason string; {@code mayReconnect} is false when the server
     * ended the session on purpose.
     */
    @Override
    public void linkEnded(Connection c, String reason, Throwable error, boolean mayReconnect) {
        Duration delay = null;
        io.noa.realtime.RetryEvent retry = null;
        boolean connectFailed;
        boolean ended = false;
        synchronized (lock) {
            if (c != null ? current != c : current != null || machine.state() == ConnectionState.CLOSED) {
                return;
            }
            connectFailed = machine.state() != ConnectionState.CONNECTED;
            current = null;
            boolean wasConnected = machine.state() == ConnectionState.CONNECTED;
            sessionId = "";
            if (error != null) { // before or after the connect: every failure of a link reaches onError, once
                callbacks.error(error);
            }
            if (wasConnected) {
                callbacks.disconnected(reason);
            }
            boolean retryable = error == null || RetryPolicy.isRetryable(error);
            if (!mayReconnect) {
                carry.set(null); // the server ended the session: nothing to recover
            }
            if (mayReconnect && retryable && retryPolicy.allowsRetry(attempts)) {
                delay = options.reconnectionDelayFor(attempts);
                attempts++;
                retry = new io.noa.realtime.RetryEvent(target, attempts, retryPolicy.maxRetries(), delay,
                        error != null ? error : new ConnectionClosedException("The link to " + target
                                + " ended: " + reason));
                pendingRetry = retry;
                io.noa.realtime.RetryEvent scheduled = retry;
                callbacks.retry(l -> l.onRetryScheduled(scheduled));
                if (machine.state() != ConnectionState.RECONNECTING) {
                    machine.transitionTo(ConnectionState.RECONNECTING, error);
                }
            } else if (!mayReconnect || (retryable && !options.reconnection())) {
                machine.tryTransitionTo(ConnectionState.DISCONNECTED, error);
            } else {
                if (mayReconnect && retryable) { // the reconnection attempts ran out
                    int made = attempts;
                    Throwable last = error != null ? error
                            : new ConnectionClosedException("The link to " + target + " ended: " + reason);
                    callbacks.retry(l -> l.onRetriesExhausted(target, made, last));
                }
                machine.tryTransitionTo(ConnectionState.FAILED, error);
            }
            if (delay == null) {
                ended = running;
                running = false;
            }
        }
        if (connectFailed) {
            metrics.connectFailed(target, error != null ? error
                    : new ConnectionClosedException("The link to " + target + " ended before it was ready: " + reason));
        }
        if (retry != null) {
            metrics.retryScheduled(retry);
        } else if (ended) {
            metrics.end(target, java.util.Optional.ofNullable(error));
        }
        // link-scoped state is settled before the next attempt can start
        ledger.linkDown(c, reason, error);
        linkScopedDown(c);
        if (delay != null) {
            synchronized (lock) {
                if (machine.state() == ConnectionState.RECONNECTING && current == null && reconnectTimer == null) {
                    reconnectTimer = transport.scheduler().schedule(this::reconnectNow, delay.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        }
        callbacks.kick();
    }

    private void linkScopedDown(Connection c) {
        rooms.linkDown(c);
        presence.linkDown(c);
        typing.forEach(TypingIndicator::linkDown);
    }

    @Override
    public void eventReceived(Connection c, String event, JsonNode data, long ackId) {
        if (firstEventOf != c) {
            firstEventOf = c;
            metrics.firstByte(target);
        }
        metrics.eventReceived(target, eventCount.incrementAndGet());
        callbacks.deliver(() -> bus.publish(event, data));
        if (ackId >= 0) {
            Function<JsonNode, ?> responder = callbacks.responder(event);
            if (responder != null) {
                callbacks.deliver(() -> {
                    Object answer;
                    try {
                        answer = responder.apply(data);
                    } catch (RuntimeException e) {
                        callbacks.errorNow(e);
                        return;
                    }
                    if (answer instanceof CompletionStage) { // answered when it completes, on the same link
                        ((CompletionStage<?>) answer).whenComplete((value, err) -> {
                            if (err != null) {
                                callbacks.error(Futures.unwrap(err));
                                callbacks.kick();
                            } else {
                                ledger.answer(c, ackId, options.codec().encode(value));
                            }
                        });
                        return;
                    }
                    ledger.answer(c, ackId, options.codec().encode(answer));
                });
            }
        }
        callbacks.kick();
    }

    @Override
    public void ackReceived(long ackId, JsonNode data, RealtimeException error) {
        ledger.ackReceived(ackId, data, error);
    }

    @Override
    public AtomicReference<Object> carryOver() {
        return carry;
    }

    @Override
    public void frameRejected(long ackId, RealtimeException error) {
        if (ackId >= 0) {
            ledger.ackReceived(ackId, null, error); // the emit fails with it, once, like a refusal
        } else {
            callbacks.error(error);
            callbacks.kick();
        }
    }

    @Override
    public void protocolError(RealtimeException error) {
        callbacks.error(error);
        callbacks.kick();
    }
}
