package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.ConnectionStateMachine;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.StateChange;
import io.noa.realtime.Subscription;
import io.noa.realtime.event.EventBus;
import io.noa.realtime.event.EventType;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.internal.SerialExecutor;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A real-time WebSocket client: the guide's {@code createWebSocketClient} / {@code useWebSocket},
 * with socket.io-client's options and behaviour, over any {@link Transport} and any
 * {@link WireProtocol}.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#realtime-client -->
 * <pre>{@code
 * RealtimeClient ws = RealtimeClient.builder(url)               // e.g. URI.create("ws://localhost:3000/ws")
 *         .auth(Map.of("token", "auth-token", "userId", "user-123"))
 *         .build();                                             // autoConnect: connects now
 * ws.on("message:new", data -> System.out.println("New message: " + data));
 * ws.rooms().join("room-123");                                  // re-joined after every reconnect
 * ws.emit("message:send", Map.of("roomId", "room-123", "content", "Hello!"));   // buffered until connected
 * }</pre>
 *
 * <p>What it does for you: emits made while not connected are buffered (at most
 * {@code maxPendingEmits}; more throws {@link LimitExceededException}) and sent in order after
 * the (re)connect; rooms are re-joined after every reconnect, before the buffered emits; the
 * presence status is re-sent; a heartbeat detects half-open links (no pong within the timeout
 * closes and reconnects); acknowledgement timeouts run on the transport's scheduler, with no
 * thread per ack; acknowledgements pending when the link drops fail with
 * {@link ConnectionClosedException} (or are re-sent, see
 * {@link RealtimeOptions.Builder#resendAcksOnReconnect(boolean)}); the auth supplier is called
 * again on every reconnect. A refused handshake ({@link HandshakeException}) ends in
 * {@link ConnectionState#FAILED} without reconnecting, as do exhausted reconnection attempts; a
 * server-side disconnect ends in {@link ConnectionState#DISCONNECTED}.
 *
 * <p>Callbacks (event handlers, lifecycle listeners, acknowledgement futures) run serially, never
 * concurrently; on the transport's I/O thread unless a callback executor is set, so by default
 * they must not block. A payload that does not decode, a malformed frame and a handler that
 * throws go to the {@link #onError} listeners; the connection stays up. Thread-safe.
 */
public final class RealtimeClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RealtimeClient.class.getName());
    private static final int MAX_PENDING_CALLBACKS = 1024;

    private final RealtimeOptions options;
    private final Transport transport;
    private final RetryPolicy retryPolicy;
    private final String target;
    private final ConnectionStateMachine machine = new ConnectionStateMachine();
    private final SerialExecutor callbacks;
    private final AtomicInteger pendingCallbacks = new AtomicInteger();
    private final EventBus bus;
    private final CopyOnWriteArrayList<Runnable> connectListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super String>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super Throwable>> errorListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super StateChange>> stateListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Function<JsonNode, ?>> responders = new ConcurrentHashMap<>();
    private final Rooms rooms;
    private final Presence presence;
    private final ConcurrentHashMap<String, TypingIndicator> typing = new ConcurrentHashMap<>();

    final Object lock = new Object();
    // guarded by lock
    private Connection current;
    private int attempts;
    private ScheduledFuture<?> reconnectTimer;
    private final ArrayDeque<PendingEmit> buffer = new ArrayDeque<>();
    private final Map<Long, PendingEmit> awaitingAck = new HashMap<>();
    private volatile String sessionId = "";

    private RealtimeClient(RealtimeOptions options, Transport transport) {
        this.options = options;
        this.transport = transport;
        this.retryPolicy = options.retryPolicy();
        this.target = Redaction.url(options.url());
        this.callbacks = new SerialExecutor(options.callbackExecutor());
        this.bus = new EventBus(options.codec(), (event, error) -> errorListeners.forEach(l -> l.accept(error)));
        machine.addListener(change -> deliver(() -> stateListeners.forEach(l -> l.accept(change))));
        this.rooms = new Rooms(this);
        this.presence = new Presence(this);
    }

    static RealtimeClient create(RealtimeOptions options) {
        RealtimeClient c = new RealtimeClient(options, options.transport().orElseGet(Transports::load));
        if (options.autoConnect()) {
            c.connect();
        }
        return c;
    }

    /**
     * A builder for a client of {@code url}.
     *
     * @param url a {@code ws://} or {@code wss://} URI
     * @return a new builder
     */
    public static RealtimeOptions.Builder builder(URI url) {
        return RealtimeOptions.builder(url);
    }

    /**
     * The configuration.
     *
     * @return the options
     */
    public RealtimeOptions options() {
        return options;
    }

    // ---------------------------------------------------------------- listeners

    /**
     * Handles an event with an untyped JSON payload.
     *
     * @param event the event name
     * @param handler receives the payload
     * @return closing it removes the handler
     */
    public Subscription on(String event, Consumer<? super JsonNode> handler) {
        return bus.on(event, handler);
    }

    /**
     * Handles an event with a typed payload; a payload that does not decode goes to
     * {@link #onError} and the connection stays up.
     *
     * @param type the event and its payload type
     * @param handler receives decoded payloads
     * @param <T> the payload type
     * @return closing it removes the handler
     */
    public <T> Subscription on(EventType<T> type, Consumer<? super T> handler) {
        return bus.on(type, handler);
    }

    /**
     * Handles every inbound event.
     *
     * @param handler receives the event name and payload
     * @return closing it removes the handler
     */
    public Subscription onAny(BiConsumer<String, JsonNode> handler) {
        return bus.onAny(handler);
    }

    /**
     * Answers inbound events that ask for an acknowledgement.
     *
     * @param event the event name
     * @param responder computes the answer (any value the codec can serialize)
     * @return closing it removes the responder
     */
    public Subscription respond(String event, Function<JsonNode, ?> responder) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(responder, "responder");
        responders.put(event, responder);
        return () -> responders.remove(event, responder);
    }

    /**
     * Called after every successful (re)connect, once rooms are re-joined and buffered emits sent.
     *
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onConnect(Runnable listener) {
        return add(connectListeners, listener);
    }

    /**
     * Called when a connected link goes down, with socket.io's reason strings:
     * {@code "io client disconnect"}, {@code "io server disconnect"}, {@code "ping timeout"},
     * {@code "transport close"}, {@code "transport error"}.
     *
     * @param listener receives the reason
     * @return closing it removes the listener
     */
    public Subscription onDisconnect(Consumer<? super String> listener) {
        return add(disconnectListeners, listener);
    }

    /**
     * Called for connection failures, refused handshakes, malformed frames, payloads that do not
     * decode and handlers that throw.
     *
     * @param listener receives the error
     * @return closing it removes the listener
     */
    public Subscription onError(Consumer<? super Throwable> listener) {
        return add(errorListeners, listener);
    }

    /**
     * Called for every state change, in order.
     *
     * @param listener receives each change
     * @return closing it removes the listener
     */
    public Subscription onStateChange(Consumer<? super StateChange> listener) {
        return add(stateListeners, listener);
    }

    private static <T> Subscription add(CopyOnWriteArrayList<T> list, T item) {
        list.add(Objects.requireNonNull(item, "listener"));
        return () -> list.remove(item);
    }

    // ---------------------------------------------------------------- features

    /**
     * Room membership.
     *
     * @return the rooms of this client
     */
    public Rooms rooms() {
        return rooms;
    }

    /**
     * Presence of the users this client can see.
     *
     * @return the presence view
     */
    public Presence presence() {
        return presence;
    }

    /**
     * The typing indicator of a room (one per room, created on first use).
     *
     * @param roomId the room
     * @return the indicator with default timings (idle stop 3 s, remote expiry 5 s)
     */
    public TypingIndicator typing(String roomId) {
        Objects.requireNonNull(roomId, "roomId");
        return typing.computeIfAbsent(roomId, r -> new TypingIndicator(this, r, TypingIndicator.Timings.defaults()));
    }

    /**
     * The typing indicator of a room with custom timings (replaces an existing one for the room).
     *
     * @param roomId the room
     * @param timings idle stop, throttle and remote expiry
     * @return the indicator
     */
    public TypingIndicator typing(String roomId, TypingIndicator.Timings timings) {
        Objects.requireNonNull(roomId, "roomId");
        TypingIndicator t = new TypingIndicator(this, roomId, timings);
        TypingIndicator old = typing.put(roomId, t);
        if (old != null) {
            old.close();
        }
        return t;
    }

    // ---------------------------------------------------------------- emitting

    /**
     * Sends an event, now if connected or after the next (re)connect.
     *
     * @param event the event name (not starting with {@code $})
     * @param data any value the codec can serialize, or {@code null}
     * @throws LimitExceededException when {@code maxPendingEmits} emits are already buffered, or
     *     {@code maxQueuedBytes} are queued in the transport
     * @throws ConnectionClosedException after {@link #disconnect()} (call {@link #connect()} first)
     */
    public void emit(String event, Object data) {
        send(new PendingEmit(checkName(event), options.codec().encode(data), null, false));
    }

    /**
     * Sends a typed event.
     *
     * @param type the event type
     * @param data the payload
     * @param <T> the payload type
     */
    public <T> void emit(EventType<T> type, T data) {
        emit(type.name(), data);
    }

    /**
     * Sends an event and waits for the server's acknowledgement, with the default timeout.
     *
     * @param event the event name
     * @param data the payload
     * @return completes with the answer, or with {@link AckTimeoutException} /
     *     {@link ConnectionClosedException}
     */
    public CompletableFuture<JsonNode> emitWithAck(String event, Object data) {
        return emitWithAck(event, data, options.defaultAckTimeout());
    }

    /**
     * Sends an event and waits for the server's acknowledgement. The timeout counts from now,
     * including time spent buffered while disconnected.
     *
     * @param event the event name
     * @param data the payload
     * @param timeout how long to wait for the answer
     * @return completes with the answer, or with {@link AckTimeoutException} /
     *     {@link ConnectionClosedException} / the server's negative answer
     */
    public CompletableFuture<JsonNode> emitWithAck(String event, Object data, Duration timeout) {
        return ackedEmit(checkName(event), options.codec().encode(data), timeout);
    }

    /**
     * Sends an event and decodes the acknowledgement into a type.
     *
     * @param event the event name
     * @param data the payload
     * @param answerType the answer's type
     * @param timeout how long to wait
     * @param <R> the answer type
     * @return completes with the decoded answer
     */
    public <R> CompletableFuture<R> emitWithAck(String event, Object data, Class<R> answerType, Duration timeout) {
        EventType<R> type = EventType.of(event, answerType);
        return emitWithAck(event, data, timeout).thenApply(node -> options.codec().decode(type, node));
    }

    private CompletableFuture<JsonNode> ackedEmit(String event, JsonNode data, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        PendingEmit p = new PendingEmit(event, data, answer, false);
        send(p);
        armTimeout(p, timeout);
        return answer;
    }

    private static String checkName(String event) {
        Objects.requireNonNull(event, "event");
        if (event.isEmpty() || event.startsWith("$")) {
            throw new IllegalArgumentException("event name must be non-empty and not start with '$' (reserved): '" + event + "'");
        }
        return event;
    }

    private void send(PendingEmit p) {
        synchronized (lock) {
            ConnectionState s = machine.state();
            if (s == ConnectionState.CLOSED || s == ConnectionState.FAILED) {
                throw new ConnectionClosedException("Cannot emit '" + p.event + "': the client is " + s
                        + "; call connect() first");
            }
            Connection c = current;
            if (s == ConnectionState.CONNECTED && c != null && c.ready()) {
                if (c.queuedBytes() > options.maxQueuedBytes()) {
                    throw new LimitExceededException("WebSocket send queue", "maxQueuedBytes", options.maxQueuedBytes());
                }
                writeNow(c, p);
            } else {
                if (buffer.size() >= options.maxPendingEmits()) {
                    throw new LimitExceededException("Buffered emits while disconnected", "maxPendingEmits",
                            options.maxPendingEmits());
                }
                buffer.addLast(p);
            }
        }
    }

    /** Under lock, connection ready. */
    private void writeNow(Connection c, PendingEmit p) {
        long id = -1;
        if (p.wantsAck()) {
            id = c.nextAckId();
            p.ackId = id;
            awaitingAck.put(id, p);
        }
        c.send(c.encodeEvent(p.event, p.data, id));
    }

    private void ackTimedOut(PendingEmit p, Duration timeout) {
        synchronized (lock) {
            if (p.isDone()) {
                return;
            }
            buffer.remove(p);
            if (p.ackId >= 0) {
                awaitingAck.remove(p.ackId, p);
            }
        }
        completeLater(p, null, new AckTimeoutException(p.event, timeout));
        callbacks.kick();
    }

    /**
     * Starts the acknowledgement timer of an emit that is already sent or buffered, so possibly
     * already answered: if it was, the timer is cancelled here, else by {@link #completeLater}.
     */
    private void armTimeout(PendingEmit p, Duration timeout) {
        ScheduledFuture<?> t = transport.scheduler().schedule(() -> ackTimedOut(p, timeout), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        p.timeout = t;
        if (p.settled) {
            t.cancel(false);
        }
    }

    private void completeLater(PendingEmit p, JsonNode value, Throwable error) {
        p.settled = true;
        ScheduledFuture<?> t = p.timeout;
        if (t != null) {
            t.cancel(false);
        }
        deliver(() -> {
            if (error == null) {
                p.answer.complete(value);
            } else {
                p.answer.completeExceptionally(error);
            }
        });
    }

    /**
     * Emits buffered while disconnected and not yet sent.
     *
     * @return the count
     */
    public int pendingEmits() {
        synchronized (lock) {
            return buffer.size();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * The current state.
     *
     * @return the state
     */
    public ConnectionState state() {
        return machine.state();
    }

    /**
     * Whether the client is connected and its handshake done.
     *
     * @return true when {@link #state()} is {@link ConnectionState#CONNECTED}
     */
    public boolean isConnected() {
        return machine.state() == ConnectionState.CONNECTED;
    }

    /**
     * The server's session id of the current connection.
     *
     * @return the id, if connected and the protocol has one
     */
    public Optional<String> sessionId() {
        String s = sessionId;
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** Connects (or reconnects after a disconnect or failure, with a fresh attempt budget). Returns at once. */
    public void connect() {
        synchronized (lock) {
            ConnectionState s = machine.state();
            if (s == ConnectionState.CONNECTING || s == ConnectionState.CONNECTED || s == ConnectionState.RECONNECTING) {
                return;
            }
            attempts = 0;
            machine.transitionTo(ConnectionState.CONNECTING, null);
            startAttempt();
        }
        callbacks.kick();
    }

    /**
     * Disconnects and stops reconnecting (state {@link ConnectionState#CLOSED}). Buffered emits
     * are dropped and pending acknowledgements fail with {@link ConnectionClosedException}.
     */
    public void disconnect() {
        List<PendingEmit> failed;
        synchronized (lock) {
            if (machine.state() == ConnectionState.CLOSED) {
                return;
            }
            boolean wasConnected = machine.state() == ConnectionState.CONNECTED;
            cancelReconnect();
            Connection c = current;
            current = null;
            if (c != null) {
                c.closeNormally();
            }
            failed = drainPending(true);
            for (PendingEmit p : buffer) {
                if (p.wantsAck()) {
                    failed.add(p);
                }
            }
            buffer.clear();
            machine.transitionTo(ConnectionState.CLOSED, null);
            sessionId = "";
            linkDown(wasConnected, "io client disconnect");
        }
        ConnectionClosedException e = new ConnectionClosedException("The client was disconnected by the application");
        failed.forEach(p -> completeLater(p, null, e));
        callbacks.kick();
    }

    /** Same as {@link #disconnect()}; also stops the typing indicators. */
    @Override
    public void close() {
        disconnect();
        typing.values().forEach(TypingIndicator::close);
    }

    private void cancelReconnect() {
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
            reconnectTimer = null;
        }
    }

    /** Under lock. */
    private void startAttempt() {
        Object authValue;
        try {
            authValue = options.auth().get();
        } catch (RuntimeException e) {
            connectionFailed(null, new RealtimeException("The auth supplier threw: " + e.getClass().getSimpleName(), e));
            return;
        }
        Connection c = new Connection(this, options.codec().encode(authValue));
        current = c;
        c.start();
    }

    Transport transport() {
        return transport;
    }

    String target() {
        return target;
    }

    // ---- called by Connection (with the connection it concerns) ----

    boolean isCurrent(Connection c) {
        return current == c;
    }

    /** Under lock: the connection if its handshake is done, else null. */
    Connection readyConnection() {
        Connection c = current;
        return c != null && c.ready() && machine.state() == ConnectionState.CONNECTED ? c : null;
    }

    /**
     * Sends an event only if connected right now (for ephemeral signals such as typing).
     *
     * @return true if it was written
     */
    boolean emitIfConnected(String event, Object data) {
        JsonNode node = options.codec().encode(data);
        synchronized (lock) {
            Connection c = readyConnection();
            if (c == null) {
                return false;
            }
            writeNow(c, new PendingEmit(event, node, null, true));
            return true;
        }
    }

    /** The protocol handshake succeeded. Under lock (Connection holds it). */
    void handshakeDone(Connection c, String sid) {
        if (current != c) {
            return;
        }
        sessionId = sid;
        attempts = 0;
        machine.transitionTo(ConnectionState.CONNECTED, null);
        rooms.rejoin(c);
        presence.resend(c);
        List<PendingEmit> toSend = new ArrayList<>(buffer);
        buffer.clear();
        for (PendingEmit p : toSend) {
            if (!p.isDone()) {
                writeNow(c, p);
            }
        }
        deliver(() -> connectListeners.forEach(Runnable::run));
    }

    /** Under lock: write a room or presence frame during the handshake or while connected. */
    CompletableFuture<JsonNode> sendInternal(Connection c, String event, JsonNode data, boolean ack) {
        CompletableFuture<JsonNode> answer = ack ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        PendingEmit p = new PendingEmit(event, data, ack ? answer : null, true);
        writeNow(c, p);
        if (ack) {
            armTimeout(p, options.defaultAckTimeout());
        }
        return answer;
    }

    /** An acknowledgement arrived. Under lock. */
    void ackReceived(Connection c, long id, JsonNode data, RealtimeException error) {
        PendingEmit p = awaitingAck.remove(id);
        if (p == null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "Ignoring acknowledgement " + id + " with no pending emit");
            return;
        }
        completeLater(p, data, error);
    }

    /** An inbound event. Under lock. */
    void eventReceived(Connection c, String event, JsonNode data, long ackId) {
        deliver(() -> bus.publish(event, data));
        if (ackId >= 0) {
            Function<JsonNode, ?> responder = responders.get(event);
            if (responder != null) {
                deliver(() -> {
                    Object answer;
                    try {
                        answer = responder.apply(data);
                    } catch (RuntimeException e) {
                        errorListeners.forEach(l -> l.accept(e));
                        return;
                    }
                    synchronized (lock) {
                        if (current == c && c.ready()) {
                            c.send(c.encodeAck(ackId, options.codec().encode(answer)));
                        }
                    }
                });
            }
        }
    }

    /** A malformed frame or protocol error; the connection stays up. */
    void protocolError(RealtimeException e) {
        deliver(() -> errorListeners.forEach(l -> l.accept(e)));
    }

    /** A connection attempt failed before the link was up. Not under lock. */
    void connectionFailed(Connection c, Throwable error) {
        linkEnded(c, "transport error", error, true);
    }

    /**
     * The connection attempt or the live link ended. {@code reason} is socket.io's reason string;
     * {@code mayReconnect} is false when the server ended the session on purpose. Not under lock.
     */
    void linkEnded(Connection c, String reason, Throwable error, boolean mayReconnect) {
        List<PendingEmit> failed;
        synchronized (lock) {
            if (c != null && current != c) {
                return;
            }
            current = null;
            if (c != null) {
                c.abort();
            }
            boolean wasConnected = machine.state() == ConnectionState.CONNECTED;
            sessionId = "";
            failed = drainPending(!options.resendAcksOnReconnect());
            if (error != null && !wasConnected) {
                deliver(() -> errorListeners.forEach(l -> l.accept(error)));
            }
            linkDown(wasConnected, reason);
            boolean retryable = error == null || RetryPolicy.isRetryable(error);
            if (mayReconnect && retryable && retryPolicy.allowsRetry(attempts)) {
                Duration delay = retryPolicy.delayForAttempt(attempts);
                attempts++;
                if (machine.state() != ConnectionState.RECONNECTING) {
                    machine.transitionTo(ConnectionState.RECONNECTING, error);
                }
                reconnectTimer = transport.scheduler().schedule(this::reconnectNow, delay.toMillis(), TimeUnit.MILLISECONDS);
            } else if (!mayReconnect || (retryable && !options.reconnection())) {
                machine.tryTransitionTo(ConnectionState.DISCONNECTED, error);
            } else {
                machine.tryTransitionTo(ConnectionState.FAILED, error);
            }
        }
        ConnectionClosedException e = new ConnectionClosedException("The connection to " + target
                + " closed before the acknowledgement arrived (" + reason + ")", error);
        failed.forEach(p -> completeLater(p, null, e));
        if (!Thread.holdsLock(lock)) {
            callbacks.kick(); // a caller holding the lock kicks after releasing it
        }
    }

    /**
     * Under lock: what happens to emits awaiting an acknowledgement when the link goes down.
     * They fail, or (when re-sending) go back to the front of the buffer in their original order;
     * room joins always fail here because rooms are re-joined anyway.
     */
    private List<PendingEmit> drainPending(boolean failAcks) {
        List<PendingEmit> failed = new ArrayList<>();
        List<PendingEmit> pending = new ArrayList<>(awaitingAck.values());
        awaitingAck.clear();
        pending.sort((a, b) -> Long.compare(b.ackId, a.ackId));
        for (PendingEmit p : pending) {
            if (failAcks || p.internal) {
                failed.add(p);
            } else if (!p.isDone()) {
                p.ackId = -1;
                buffer.addFirst(p);
            }
        }
        return failed;
    }

    /** Under lock: clear link-scoped state and tell listeners. */
    private void linkDown(boolean wasConnected, String reason) {
        presence.clear();
        typing.values().forEach(TypingIndicator::linkDown);
        if (wasConnected) {
            deliver(() -> disconnectListeners.forEach(l -> l.accept(reason)));
        }
    }

    private void reconnectNow() {
        synchronized (lock) {
            if (machine.state() != ConnectionState.RECONNECTING || current != null) {
                return;
            }
            reconnectTimer = null;
            startAttempt();
        }
        callbacks.kick();
    }

    // ---------------------------------------------------------------- callbacks

    /** Queues a callback; callers {@link #kick()} after leaving the lock. */
    void deliver(Runnable task) {
        pendingCallbacks.incrementAndGet();
        callbacks.enqueue(() -> {
            try {
                task.run();
            } finally {
                if (pendingCallbacks.decrementAndGet() == MAX_PENDING_CALLBACKS - 1) {
                    Connection c;
                    synchronized (lock) {
                        c = current;
                    }
                    if (c != null) {
                        c.resumeReading();
                    }
                }
            }
        });
    }

    void kick() {
        callbacks.kick();
    }

    boolean mayRead() {
        return pendingCallbacks.get() < MAX_PENDING_CALLBACKS;
    }

    EventBus bus() {
        return bus;
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return "RealtimeClient{" + target + ", " + machine.state() + '}';
    }
}
