package io.noa.realtime.sse;

import io.noa.realtime.ClientEventListener;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.ConnectionStateMachine;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RetryEvent;
import io.noa.realtime.RetryListener;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.StateChange;
import io.noa.realtime.Subscription;
import io.noa.realtime.TransportException;
import io.noa.realtime.internal.BoundedMulticast;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.internal.SerialExecutor;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A reconnecting Server-Sent Events client (the guide's {@code createSSEClient}): one logical
 * event stream over as many HTTP connections as it takes.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/docs/ApiExamples.java#sse-client -->
 * <pre>{@code
 * SseClient sse = SseClient.builder(url)                        // e.g. URI.create("https://api.example.com/events")
 *         .headers(() -> Map.of("Authorization", "Bearer " + tokens.get()))   // read on every (re)connect
 *         .build();
 * sse.on("progress", e -> System.out.println("progress " + e.data()));
 * sse.onMessage(e -> System.out.println("message " + e.data()));
 * sse.connect();
 * }</pre>
 *
 * <p>Reconnection follows the WHATWG rules: each new connection sends {@code Last-Event-ID}, a
 * server {@code retry:} field sets the next delay, and a partial event is discarded. Storms are
 * bounded: no delay is shorter than the policy's {@link RetryPolicy#minDelay() minDelay}
 * whatever the server asks ({@code retry: 0}, {@code Retry-After: 0}), and the backoff resets
 * only once a connection stayed open for the policy's {@link RetryPolicy#healthyAfter()
 * healthyAfter}, so it keeps growing across connections that die young. {@code onError} is
 * called once per failed attempt, so it is as bounded as the reconnect rate; {@link #onRetry}
 * tells a failure that will be retried ("attempt 3 of &#8734; in 1.6 s") from a terminal one. Each attempt waits
 * at most {@link SseClientOptions.Builder#responseHeadTimeout responseHeadTimeout} for the
 * response head. A redirect to another origin drops every credential header.
 *
 * <p>{@code Last-Event-ID} is sent percent-encoded where HTTP could not carry the id: every
 * character outside printable ASCII ({@code !} to {@code ~}), and the space and {@code %}
 * themselves, become {@code %XX} escapes of their UTF-8 bytes ({@code café-€} is sent as
 * {@code caf%C3%A9-%E2%82%AC}); an id of plain printable ASCII without {@code %} goes as is.
 * A server that uses such ids decodes the header as UTF-8 percent-encoding.
 *
 * <p>The client stops for good (state
 * {@link ConnectionState#FAILED}) on 204, on a missing or wrong {@code Content-Type}, on a 4xx
 * other than 408/429, on a line or event larger than
 * {@link SseClientOptions.Builder#maxEventSize maxEventSize} (a
 * {@link io.noa.realtime.LimitExceededException} naming that setting: a reconnect would only
 * have the server replay the same event), and when the retry policy is exhausted; {@link #disconnect()} stops it
 * without failure. Redirects are followed. Any byte, heartbeat comments included, resets the idle
 * timeout; a silent connection is dropped and replaced.
 *
 * <p>Thread-safe. Callbacks of one client run serially and in order, by default on the
 * transport's I/O thread (do not block in them) or on the configured executor.
 */
public final class SseClient implements AutoCloseable {
    private static final String MESSAGE = "message";
    /** The public setting of both parser bounds, named in their {@code LimitExceededException}. */
    static final String MAX_EVENT_SIZE = "SseClientOptions.Builder.maxEventSize";

    private final SseClientOptions options;
    private final Transport transport;
    private final boolean ownsTransport;
    private final String target;
    private final ConnectionStateMachine machine = new ConnectionStateMachine();
    private final SerialExecutor callbacks;
    private final AtomicInteger queuedCallbacks = new AtomicInteger();
    private final BoundedMulticast<SseEvent> events;
    private final Map<String, Handlers> handlers = new ConcurrentHashMap<>();
    /** The handlers of type "message", also in {@link #handlers}: most events are of that type. */
    private final Handlers messageHandlers = new Handlers();
    private final Handlers anyHandlers = new Handlers();
    private final CopyOnWriteArrayList<Runnable> openHandlers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Runnable> closeHandlers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super Throwable>> errorHandlers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super String>> commentHandlers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<RetryListener> retryListeners = new CopyOnWriteArrayList<>();
    private final ClientEventListener metrics;
    /** Whether a metrics listener is set: without one the per-event path makes no call at all. */
    private final boolean observed;
    private final Object lock = new Object();
    private final Consumer<SseEvent> deliver = this::deliver;
    private final String headTimeoutSetting = "SseClientOptions.Builder.responseHeadTimeout";
    private Attempt current;
    private ScheduledFuture<?> retryTimer;
    private int retries;
    /** The retry scheduled and not started yet; under {@link #lock}. */
    private RetryEvent pendingRetry;
    /** Events since connect(), for the metrics listener; written on the reading thread only. */
    private long eventCount;
    private volatile String lastEventId;
    private volatile Duration serverRetry;

    SseClient(SseClientOptions options) {
        this.options = options;
        if (options.transport != null) {
            this.transport = options.transport;
            this.ownsTransport = false;
        } else {
            this.transport = Transports.load();
            this.ownsTransport = true;
        }
        this.target = Redaction.url(options.uri);
        this.callbacks = new SerialExecutor(options.callbackExecutor);
        this.events = new BoundedMulticast<>(options.maxQueuedEvents, this::resumeReading);
        this.lastEventId = options.lastEventId;
        this.metrics = options.eventListener;
        this.observed = metrics != ClientEventListener.NONE;
        handlers.put(MESSAGE, messageHandlers);
    }

    /**
     * A builder for a client of {@code uri}.
     *
     * @param uri an {@code http} or {@code https} URL
     * @return the builder
     */
    public static SseClientOptions.Builder builder(URI uri) {
        return new SseClientOptions.Builder(uri);
    }

    /**
     * A builder for a client of {@code url}.
     *
     * @param url an {@code http} or {@code https} URL
     * @return the builder
     */
    public static SseClientOptions.Builder builder(String url) {
        return builder(URI.create(Objects.requireNonNull(url, "url")));
    }

    /**
     * The settings.
     *
     * @return the options
     */
    public SseClientOptions options() {
        return options;
    }

    // ---------------------------------------------------------------- listeners

    /**
     * Handles events of one type (the SSE {@code event:} field), e.g. {@code "progress"}.
     *
     * @param eventName the event type; {@code "message"} for events without {@code event:}
     * @param handler the handler
     * @return closing it removes the handler
     */
    public Subscription on(String eventName, Consumer<? super SseEvent> handler) {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(handler, "handler");
        Handlers list = handlers.computeIfAbsent(eventName, k -> new Handlers());
        list.add(handler);
        return () -> list.remove(handler);
    }

    /**
     * Handles events without an {@code event:} field (type {@code "message"}).
     *
     * @param handler the handler
     * @return closing it removes the handler
     */
    public Subscription onMessage(Consumer<? super SseEvent> handler) {
        return on(MESSAGE, handler);
    }

    /**
     * Handles every event, whatever its type.
     *
     * @param handler the handler
     * @return closing it removes the handler
     */
    public Subscription onEvent(Consumer<? super SseEvent> handler) {
        Objects.requireNonNull(handler, "handler");
        anyHandlers.add(handler);
        return () -> anyHandlers.remove(handler);
    }

    /**
     * Runs each time a connection opens (status 2xx with {@code text/event-stream}).
     *
     * @param handler the handler
     * @return closing it removes the handler
     */
    public Subscription onOpen(Runnable handler) {
        return add(openHandlers, handler);
    }

    /**
     * Runs each time an open connection ends, for whatever reason (a reconnect may follow).
     *
     * @param handler the handler
     * @return closing it removes the handler
     */
    public Subscription onClose(Runnable handler) {
        return add(closeHandlers, handler);
    }

    /**
     * Receives every failure, once: connection errors (a reconnect may follow), HTTP errors, idle
     * timeouts, and the final error when the client gives up. To tell the two apart, add an
     * {@link #onRetry onRetry} listener: a failure that will be retried is followed by
     * {@link RetryListener#onRetryScheduled} with the same cause, the attempt number and the
     * delay; a failure without it is terminal (the state becomes {@link ConnectionState#FAILED}),
     * the one to act on.
     *
     * @param handler the handler
     * @return closing it removes the handler
     */
    public Subscription onError(Consumer<? super Throwable> handler) {
        return add(errorHandlers, handler);
    }

    /**
     * Receives comment lines ({@code ": text"}): heartbeats, or a provider's progress notes such
     * as OpenRouter's {@code : OPENROUTER PROCESSING}. Comments never become events; every
     * comment, with or without a listener, also counts as liveness for the idle timeout.
     * Delivered serially and in order with the other callbacks of this client.
     *
     * @param handler receives the text after the colon, one leading space removed
     *     ({@code "OPENROUTER PROCESSING"}, {@code "heartbeat"}, or {@code ""} for a bare
     *     {@code ":"})
     * @return closing it removes the handler
     */
    public Subscription onComment(Consumer<? super String> handler) {
        return add(commentHandlers, handler);
    }

    /**
     * Sees the reconnection: each failed attempt that will be retried (with its number, the
     * budget and the delay: "attempt 3 of &#8734; in 1.6 s"), each retry as it starts, and the
     * one moment the policy's retries run out. Serial and in order with the other callbacks: a
     * retry scheduled is reported after the {@code onError} of its failure and before the state
     * change it causes (none when the client was already {@link ConnectionState#RECONNECTING}).
     *
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onRetry(RetryListener listener) {
        return add(retryListeners, listener);
    }

    /**
     * Sees each retry scheduled, as a lambda: short for
     * {@code onRetry(RetryListener.onScheduled(action))} (see {@link #onRetry(RetryListener)}).
     *
     * @param action receives each {@link io.noa.realtime.RetryEvent}: "attempt 3 of &#8734; in 1.6 s after ..."
     * @return closing it removes the listener
     */
    public Subscription onRetry(Consumer<? super io.noa.realtime.RetryEvent> action) {
        return onRetry(io.noa.realtime.RetryListener.onScheduled(action));
    }

    /**
     * Receives connection state changes, in order.
     *
     * @param listener the listener
     * @return closing it removes the listener
     */
    public Subscription onStateChange(Consumer<? super StateChange> listener) {
        Objects.requireNonNull(listener, "listener");
        return machine.addListener(change -> callbacks.execute(() -> listener.accept(change)));
    }

    private static <T> Subscription add(CopyOnWriteArrayList<T> list, T handler) {
        Objects.requireNonNull(handler, "handler");
        list.add(handler);
        return () -> list.remove(handler);
    }

    /**
     * Every event as a hot publisher with backpressure: while any subscriber has more than the
     * configured number of events queued ({@link SseClientOptions.Builder#maxQueuedEvents}) the
     * client stops reading the socket. Spans reconnections; completes when the client is
     * {@linkplain #close() closed}.
     *
     * @return the publisher
     */
    public Flow.Publisher<SseEvent> events() {
        return events;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Opens the stream (and keeps it open). No effect while connecting or connected; after
     * {@link #disconnect()}, a failure or {@link #close()} it starts again with a fresh backoff.
     */
    public void connect() {
        synchronized (lock) {
            ConnectionState s = machine.state();
            if (s == ConnectionState.CONNECTING || s == ConnectionState.CONNECTED || s == ConnectionState.RECONNECTING) {
                return;
            }
            machine.transitionTo(ConnectionState.CONNECTING, null);
            retries = 0;
            eventCount = 0;
            startAttemptLocked();
        }
        callbacks.kick();
    }

    /** Closes the current connection and stops reconnecting (state DISCONNECTED). */
    public void disconnect() {
        stop(ConnectionState.DISCONNECTED);
    }

    /**
     * Disconnects for good (state CLOSED), completes {@link #events()}, and closes the transport
     * if the client created it.
     */
    @Override
    public void close() {
        stop(ConnectionState.CLOSED);
        events.complete();
        if (ownsTransport) {
            transport.close();
        }
    }

    private void stop(ConnectionState to) {
        boolean wasOpen;
        boolean running;
        synchronized (lock) {
            ConnectionState s = machine.state();
            running = s == ConnectionState.CONNECTING || s == ConnectionState.CONNECTED
                    || s == ConnectionState.RECONNECTING;
            pendingRetry = null;
            if (retryTimer != null) {
                retryTimer.cancel(false);
                retryTimer = null;
            }
            wasOpen = current != null && current.open;
            if (current != null) {
                current.cancel();
                current = null;
            }
            if (machine.state() != to) {
                machine.tryTransitionTo(to, null);
            }
        }
        if (wasOpen) {
            fire(closeHandlers);
        }
        if (running) {
            metrics.end(target, Optional.empty());
        }
        callbacks.kick();
    }

    /**
     * The connection state.
     *
     * @return the state
     */
    public ConnectionState state() {
        return machine.state();
    }

    /**
     * The id of the last event received (or set initially), sent as {@code Last-Event-ID} on the
     * next connection.
     *
     * @return the id, if any
     */
    public Optional<String> lastEventId() {
        return Optional.ofNullable(lastEventId);
    }

    @Override
    public String toString() {
        return "SseClient{" + target + ", state=" + machine.state() + '}';
    }

    // ---------------------------------------------------------------- internals

    private void startAttemptLocked() {
        current = new Attempt();
        current.start();
    }

    private boolean mayRead() {
        return events.hasRoom() && queuedCallbacks.get() < options.maxQueuedEvents;
    }

    private void resumeReading() {
        Attempt a;
        synchronized (lock) {
            a = current;
        }
        if (a != null) {
            a.resume();
        }
    }

    private void fire(List<Runnable> list) {
        for (Runnable r : list) {
            callbacks.enqueue(r);
        }
    }

    private void fireError(Throwable t) {
        for (Consumer<? super Throwable> h : errorHandlers) {
            callbacks.enqueue(() -> h.accept(t));
        }
    }

    private void dispatch(SseEvent event) {
        events.offer(event);
        if (anyHandlers.isEmpty()) {
            Handlers typed = handlersOf(event);
            if (typed == null || typed.isEmpty()) {
                return;
            }
        }
        queuedCallbacks.incrementAndGet();
        callbacks.execute(deliver, event);
    }

    private void deliver(SseEvent event) {
        try {
            // the arrays as they are now, like an iterator of a copy-on-write list, without one
            Handlers typed = handlersOf(event);
            if (typed != null) {
                for (Consumer<? super SseEvent> h : typed.current()) {
                    h.accept(event);
                }
            }
            for (Consumer<? super SseEvent> h : anyHandlers.current()) {
                h.accept(event);
            }
        } finally {
            // Reading paused only when the count reached the bound: resume when it drops below.
            if (queuedCallbacks.decrementAndGet() == options.maxQueuedEvents - 1) {
                resumeReading();
            }
        }
    }

    /** The handlers of the event's type, without a map lookup for the default type. */
    private Handlers handlersOf(SseEvent event) {
        String type = event.event();
        // The parser hands out the very constant for events without an "event:" field.
        return type == SseEvent.DEFAULT_EVENT ? messageHandlers : handlers.get(type);
    }

    /**
     * Event handlers as a copy-on-write array: delivering an event walks the array of that moment
     * (what {@link CopyOnWriteArrayList}'s iterator does) without allocating an iterator per event.
     */
    private static final class Handlers {
        @SuppressWarnings("unchecked")
        private static final Consumer<? super SseEvent>[] NONE = (Consumer<? super SseEvent>[]) new Consumer<?>[0];

        private volatile Consumer<? super SseEvent>[] items = NONE;

        synchronized void add(Consumer<? super SseEvent> handler) {
            Consumer<? super SseEvent>[] a = items;
            Consumer<? super SseEvent>[] b = java.util.Arrays.copyOf(a, a.length + 1);
            b[a.length] = handler;
            items = b;
        }

        /** Removes the first equal handler, as {@link CopyOnWriteArrayList#remove(Object)}. */
        synchronized void remove(Object handler) {
            Consumer<? super SseEvent>[] a = items;
            for (int i = 0; i < a.length; i++) {
                if (Objects.equals(handler, a[i])) {
                    Consumer<? super SseEvent>[] b = java.util.Arrays.copyOf(a, a.length - 1);
                    System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                    items = b;
                    return;
                }
            }
        }

        boolean isEmpty() {
            return items.length == 0;
        }

        /** The handlers now; the array is never changed. */
        Consumer<? super SseEvent>[] current() {
            return items;
        }
    }

    /** One HTTP connection of the logical stream. */
    private final class Attempt implements SseParser.Handler, EventStreamCall.Listener {
        private final SseParser parser;
        volatile EventStreamCall call;
        volatile boolean open;
        private volatile boolean cancelled;
        private volatile long openedAt;
        private volatile boolean headSeen;
        private boolean firstByteSeen; // the reading thread only

        Attempt() {
            parser = new SseParser(this, options.maxLineSize, options.maxEventSize, MAX_EVENT_SIZE, MAX_EVENT_SIZE);
            parser.lastEventId(lastEventId);
        }

        void start() {
            metrics.connectStart(target, retries);
            StreamingRequest.Builder request = StreamingRequest.builder(options.uri).method(options.method)
                    .connectTimeout(options.connectTimeout)
                    .header("Accept", "text/event-stream").header("Cache-Control", "no-cache");
            try {
                options.headers.forEach((name, value) -> header(request, name, value));
                Map<String, String> dynamic = options.headerSupplier.get();
                if (dynamic != null) {
                    dynamic.forEach((name, value) -> header(request, name, value));
                }
                String id = lastEventId;
                if (id != null && !id.isEmpty()) {
                    request.header("Last-Event-ID", encodeLastEventId(id));
                }
            } catch (RuntimeException e) {
                // a supplier that threw, or a value HTTP cannot carry: fail this attempt, off the caller's stack
                try {
                    CompletableFuture.runAsync(() -> failed(e, false), transport.scheduler());
                } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                    failed(e, false);
                }
                return;
            }
            if (options.body != null) {
                request.body(options.body);
            }
            EventStreamCall c = EventStreamCall.builder(transport, request.build(), parser, this)
                    .mayRead(SseClient.this::mayRead).idleTimeout(options.idleTimeout)
                    .responseHeadTimeout(options.responseHeadTimeout, headTimeoutSetting)
                    .secretHeaders(options.secretHeaders).build();
            call = c;
            c.start();
        }

        void cancel() {
            cancelled = true;
            EventStreamCall c = call;
            if (c != null) {
                c.cancel();
            }
        }

        void resume() {
            EventStreamCall c = call;
            if (c != null) {
                c.resume();
            }
        }

        @Override
        public void onResponseHead(int status) {
            headSeen = true;
            metrics.connectEnd(target);
            metrics.responseHead(target, status);
        }

        @Override
        public void onOpen() {
            synchronized (lock) {
                if (cancelled || current != this) {
                    return; // the call is being cancelled
                }
                open = true;
                openedAt = System.nanoTime();
                machine.tryTransitionTo(ConnectionState.CONNECTED, null);
            }
            fire(openHandlers);
            callbacks.kick();
        }

        @Override
        public void onEvent(SseEvent event) {
            String id = event.idOrNull();
            if (id != lastEventId) { // the parser repeats one id String until the stream sends another
                lastEventId = id;
            }
            if (observed) {
                observeEvent();
            }
            dispatch(event);
        }

        /** The metrics of one event, kept out of {@link #onEvent} so that it stays small. */
        private void observeEvent() {
            observeByte();
            metrics.eventReceived(target, ++eventCount);
        }

        private void observeByte() {
            if (!firstByteSeen) {
                firstByteSeen = true;
                metrics.firstByte(target);
            }
        }

        @Override
        public void onComment(String comment) {
            if (observed) {
                observeByte();
            }
            // liveness is already counted (the idle timeout counts every byte); nothing to do unless someone listens
            if (commentHandlers.isEmpty()) {
                return;
            }
            for (Consumer<? super String> h : commentHandlers) {
                callbacks.execute(h, comment);
            }
        }

        @Override
        public void onRetry(long millis) {
            serverRetry = Duration.ofMillis(millis);
        }

        /** Whether this connection lived long enough to reset the backoff. Under {@link #lock}. */
        private boolean wasHealthyLocked() {
            return open && options.retryPolicy.isHealthy(Duration.ofNanos(System.nanoTime() - openedAt));
        }

        @Override
        public void onEnd() {
            failed(new TransportException("The server ended the event stream " + target + "; reconnecting"), true, false);
        }

        @Override
        public void onFailure(Throwable error, boolean afterOpen) {
            // An event over maxEventSize stops the client, as RetryPolicy.isRetryable says of limit
            // errors: a reconnect sends the same Last-Event-ID, so the server replays the same
            // event and the client would loop for ever.
            failed(error, !(error instanceof LimitExceededException) && (afterOpen || RetryPolicy.isRetryable(error)));
        }

        private void failed(Throwable error, boolean retryable) {
            failed(error, retryable, true);
        }

        private void failed(Throwable error, boolean retryable, boolean report) {
            boolean wasOpen;
            RetryEvent retry = null;
            int retriesMade;
            synchronized (lock) {
                if (cancelled || current != this) {
                    return;
                }

                current = null;
                wasOpen = open;
                if (parser.lastEventId().isPresent() || lastEventId != null) {
                    lastEventId = parser.lastEventId().orElse(null);
                }
                if (report) {
                    fireError(error);
                }
                if (wasHealthyLocked()) {
                    retries = 0; // a connection that stayed up a while: start the backoff afresh
                }
                retriesMade = retries;
                if (!retryable || !options.retryPolicy.allowsRetry(retries)) {
                    if (retryable) {
                        for (RetryListener l : retryListeners) {
                            callbacks.enqueue(() -> l.onRetriesExhausted(target, retriesMade, error));
                        }
                    }
                    machine.tryTransitionTo(ConnectionState.FAILED, error);
                } else {
                    Optional<Duration> retryAfter = error instanceof HttpStatusException
                            ? ((HttpStatusException) error).retryAfter() : Optional.empty();
                    Duration delay = options.retryPolicy.delayForAttempt(retries, Optional.ofNullable(serverRetry), retryAfter);
                    retries++;
                    retry = new RetryEvent(target, retries, options.retryPolicy.maxRetries(), delay, error);
                    pendingRetry = retry;
                    for (RetryListener l : retryListeners) {
                        RetryEvent r = retry;
                        callbacks.enqueue(() -> l.onRetryScheduled(r));
                    }
                    machine.tryTransitionTo(ConnectionState.RECONNECTING, error);
                    retryTimer = transport.scheduler().schedule(SseClient.this::retryNow, delay.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
            if (!headSeen) {
                metrics.connectFailed(target, error);
            }
            if (retry != null) {
                metrics.retryScheduled(retry);
            } else if (machine.state() == ConnectionState.FAILED) {
                metrics.end(target, Optional.of(error));
            }
            if (wasOpen) {
                fire(closeHandlers);
            }
            callbacks.kick();
        }
    }

    private static void header(StreamingRequest.Builder request, String name, String value) {
        try {
            request.header(name, value);
        } catch (IllegalArgumentException e) {
            throw new io.noa.realtime.InvalidHeaderException(String.valueOf(name), e.getMessage());
        }
    }

    /**
     * The {@code Last-Event-ID} header value for an id: printable ASCII other than {@code %} as
     * is; the space, {@code %}, control characters and everything beyond ASCII as {@code %XX}
     * escapes of their UTF-8 bytes.
     *
     * @param id the id, as the server sent it
     * @return a value HTTP can carry
     */
    static String encodeLastEventId(String id) {
        int i = 0;
        while (i < id.length() && plain(id.charAt(i))) {
            i++;
        }
        if (i == id.length()) {
            return id;
        }
        StringBuilder sb = new StringBuilder(id.length() + 16).append(id, 0, i);
        byte[] utf8 = id.substring(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c < 0x80 && plain((char) c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static boolean plain(char c) {
        return c > 0x20 && c < 0x7f && c != '%';
    }

    private void retryNow() {
        synchronized (lock) {
            if (machine.state() != ConnectionState.RECONNECTING || current != null) {
                return;
            }
            retryTimer = null;
            RetryEvent retry = pendingRetry;
            pendingRetry = null;
            if (retry != null) {
                for (RetryListener l : retryListeners) {
                    callbacks.enqueue(() -> l.onRetryStarted(retry));
                }
            }
            startAttemptLocked();
        }
        callbacks.kick();
    }
}
