package io.noa.realtime.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.ConnectionStateMachine;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.StateChange;
import io.noa.realtime.Subscription;
import io.noa.realtime.event.EventBus;
import io.noa.realtime.event.EventType;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
    // The front: public API, options, listener registration, delegation. Behind it:
    // LinkSupervisor keeps one Connection (one WebSocket link) at a time and reconnects;
    // AckLedger owns every emit and acknowledgement; Callbacks holds the listeners and runs every
    // user callback serially. Each class guards its own state with its own lock and calls no other
    // class that takes a lock while holding it; user code only runs from the Callbacks queue (and
    // the auth supplier), never under a lock.
    private final RealtimeOptions options;
    private final Transport transport;
    private final boolean ownsTransport; // loaded through Transports.load(): closed by close()
    private final String target;
    private final ConnectionStateMachine machine = new ConnectionStateMachine();
    private final Callbacks callbacks;
    private final EventBus bus;
    private final AckLedger ledger;
    private final Rooms rooms;
    private final Presence presence;
    private final ConcurrentHashMap<String, TypingIndicator> typing = new ConcurrentHashMap<>();
    private final LinkSupervisor link;

    private RealtimeClient(RealtimeOptions options, Transport transport, boolean ownsTransport) {
        this.options = options;
        this.transport = transport;
        this.ownsTransport = ownsTransport;
        this.target = Redaction.url(options.url());
        this.callbacks = new Callbacks(options.callbackExecutor());
        this.bus = new EventBus(options.codec(), (event, error) -> callbacks.errorNow(error));
        machine.addListener(callbacks::stateChanged);
        this.ledger = AckLedger.of(options, transport.scheduler(), callbacks, machine::state, target);
        this.rooms = new Rooms(this);
        this.presence = new Presence(this);
        this.link = new LinkSupervisor(options, transport, target, machine, callbacks, bus, ledger, rooms, presence,
                typing.values());
    }

    static RealtimeClient create(RealtimeOptions options) {
        RealtimeClient c = options.transport().map(t -> new RealtimeClient(options, t, false))
                .orElseGet(() -> new RealtimeClient(options, Transports.load(), true));
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
     * @param responder computes the answer: any value the codec can serialize, or a
     *     {@link java.util.concurrent.CompletionStage} of one (answered when it completes; if it
     *     fails, the error goes to {@link #onError} and no answer is sent)
     * @return closing it removes the responder
     */
    public Subscription respond(String event, Function<JsonNode, ?> responder) {
        return callbacks.respond(event, responder);
    }

    /**
     * Called after every successful (re)connect, once rooms are re-joined and buffered emits sent;
     * {@link #recovered()} says whether the previous session was restored.
     *
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onConnect(Runnable listener) {
        return callbacks.onConnect(listener);
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
        return callbacks.onDisconnect(listener);
    }

    /**
     * Called for connection failures, refused handshakes, malformed frames, payloads that do not
     * decode and handlers that throw; also, once per failure, when a connected link fails (a
     * message over {@code maxWebSocketMessageSize}, a transport failure, a missing pong), besides
     * the {@link StateChange#cause()} of the state change it causes. A failure that will be
     * retried is followed by {@link io.noa.realtime.RetryListener#onRetryScheduled} of
     * {@link #onRetry} listeners, with the same cause, the attempt number and the delay; a
     * failure without it is terminal, the one to act on.
     *
     * @param listener receives the error
     * @return closing it removes the listener
     */
    public Subscription onError(Consumer<? super Throwable> listener) {
        return callbacks.onError(listener);
    }

    /**
     * Sees the reconnection, as socket.io-client's {@code reconnect_error},
     * {@code reconnect_attempt} and {@code reconnect_failed} do: each failed link or attempt that
     * will be retried (with its number, the {@code reconnectionAttempts} budget and the delay:
     * "attempt 3 of &#8734; in 1.6 s"), each attempt as it starts, and the one moment the attempts
     * run out (the client is then {@link ConnectionState#FAILED}). A retry scheduled is delivered
     * after the {@link #onError} and {@link #onDisconnect} of its failure and before the state
     * change it causes; a failure with no retry scheduled after it is the one to act on.
     *
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onRetry(io.noa.realtime.RetryListener listener) {
        return callbacks.onRetry(listener);
    }

    /**
     * Sees each retry scheduled, as a lambda: short for
     * {@code onRetry(RetryListener.onScheduled(action))} (see {@link #onRetry(io.noa.realtime.RetryListener)}).
     *
     * @param action receives each {@link io.noa.realtime.RetryEvent}: "attempt 3 of &#8734; in 1.6 s after ..."
     * @return closing it removes the listener
     */
    public Subscription onRetry(Consumer<? super io.noa.realtime.RetryEvent> action) {
        return onRetry(io.noa.realtime.RetryListener.onScheduled(action));
    }

    /**
     * Called for every state change, in order.
     *
     * @param listener receives each change
     * @return closing it removes the listener
     */
    public Subscription onStateChange(Consumer<? super StateChange> listener) {
        return callbacks.onStateChange(listener);
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
        ledger.emit(checkName(event), options.codec().encode(data));
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
     * Sends an event and waits for the server's acknowledgement, with a timeout for this emit
     * only (socket.io-client's {@code socket.timeout(ms).emitWithAck(...)}). Without
     * {@link RealtimeOptions.Builder#retries(int) retries} the timeout counts from now, including
     * time spent buffered while disconnected; with retries it is the timeout of each try, counted
     * from the moment that try is sent.
     *
     * @param event the event name
     * @param data the payload
     * @param timeout how long to wait for the answer
     * @return completes with the answer, or with {@link AckTimeoutException} /
     *     {@link ConnectionClosedException} / the server's negative answer
     */
    public CompletableFuture<JsonNode> emitWithAck(String event, Object data, Duration timeout) {
        String name = checkName(event);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return ledger.emitWithAck(name, options.codec().encode(data), timeout);
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

    private static String checkName(String event) {
        Objects.requireNonNull(event, "event");
        if (event.isEmpty() || event.startsWith("$")) {
            throw new IllegalArgumentException("event name must be non-empty and not start with '$' (reserved): '" + event + "'");
        }
        return event;
    }

    /**
     * Sends an event only if it can go out right now, like socket.io-client's
     * {@code socket.volatile.emit}: while not connected, or while the transport's send queue is
     * over {@code maxQueuedBytes}, it is dropped (never buffered, never retried) and counted in
     * {@link #droppedVolatileEmits()}. For data whose newer value replaces the older (positions,
     * cursor moves, "still here").
     *
     * @param event the event name (not starting with {@code $})
     * @param data any value the codec can serialize, or {@code null}
     * @return true when it was handed to the transport, false when it was dropped
     */
    public boolean emitVolatile(String event, Object data) {
        return ledger.emitVolatile(checkName(event), options.codec().encode(data));
    }

    /**
     * How many {@link #emitVolatile volatile emits} were dropped since the client was built.
     *
     * @return the count
     */
    public long droppedVolatileEmits() {
        return ledger.droppedVolatile();
    }

    /**
     * Whether the current connection restored the previous session (socket.io-client's
     * {@code socket.recovered}): with Socket.IO connection-state recovery on the server, a link
     * that dropped (not an explicit disconnect) is resumed with the same session id, its rooms,
     * and every event the client missed meanwhile, delivered once and in order before the
     * {@link #onConnect} listeners run. Read it in an {@link #onConnect} listener: when false after
     * a reconnect, state the client missed is lost (re-fetch it). The rooms helper re-joins only
     * when it is false.
     *
     * @return true when the last successful (re)connect recovered the session; false before the
     *     first connect, after {@link #disconnect()}, and for protocols without recovery
     */
    public boolean recovered() {
        return link.recovered();
    }

    /**
     * Emits buffered while disconnected and not yet sent.
     *
     * @return the count
     */
    public int pendingEmits() {
        return ledger.buffered();
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
        String s = link.sessionId();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** Connects (or reconnects after a disconnect or failure, with a fresh attempt budget). Returns at once. */
    public void connect() {
        link.connect();
    }

    /**
     * Disconnects and stops reconnecting (state {@link ConnectionState#CLOSED}). Buffered emits
     * are dropped and pending acknowledgements fail with {@link ConnectionClosedException}.
     */
    public void disconnect() {
        link.disconnect();
    }

    /**
     * Same as {@link #disconnect()}; also stops the typing indicators and, when no transport was
     * given in the options, closes the one this client loaded (its threads stop once no other
     * transport uses them; its socket is dropped once the close frame is written, not kept until
     * the peer answers), after which the client cannot connect again.
     */
    @Override
    public void close() {
        // a transport of our own stops with us: its sockets must not wait for a peer that never
        // answers our close frame, as the timer that would abort them stops with the transport
        link.disconnect(ownsTransport);
        typing.values().forEach(TypingIndicator::close);
        if (ownsTransport) {
            transport.close();
        }
    }

    // ---------------------------------------------------------------- for Rooms, Presence, TypingIndicator

    Transport transport() {
        return transport;
    }

    AckLedger ledger() {
        return ledger;
    }

    EventBus bus() {
        return bus;
    }

    /** Sends an event only if connected right now (ephemeral signals such as typing); true if it was sent. */
    boolean emitIfConnected(String event, Object data) {
        return ledger.emitIfConnected(event, options.codec().encode(data));
    }

    /** Queues a user callback; {@link #kick()} once no lock is held. */
    void deliver(Runnable task) {
        callbacks.deliver(task);
    }

    void kick() {
        callbacks.kick();
    }

    /** Reports an error to the {@link #onError} listeners. */
    void protocolError(RealtimeException e) {
        callbacks.error(e);
        callbacks.kick();
    }

    @Override
    public String toString() {
        return "RealtimeClient{" + target + ", " + machine.state() + '}';
    }
}
