package io.noa.realtime.sse;

import io.noa.realtime.HttpStatusException;
import io.noa.realtime.ResponseTimeoutException;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.internal.Futures;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One HTTP request answered by one event stream, read once and never reconnected: the single
 * place where an event stream is opened, used by {@link SseClient} (once per connection) and by
 * the chat stream. Like OkHttp's {@code RealEventSource}:
 * request → redirects (followed as {@code HttpExchange} describes) → status check (an error
 * status reads the start of the body into an {@link io.noa.realtime.HttpStatusException}) →
 * {@code Content-Type} check → the body fed into the caller's {@link SseParser} with demand and
 * an idle timeout → exactly one terminal callback.
 *
 * <p><b>Cancel is total.</b> {@link #cancel()} may be called at any moment and from any thread:
 * before the connection is established, while the server holds the response head back, while a
 * redirect is followed, in the middle of the body or after the end. It cancels the transport's
 * future of the request in flight, or closes the response it has, and a response that arrives
 * after the cancel is closed at once. No callback follows a cancel.
 *
 * <p><b>Deadlines.</b> Each request (each redirect hop) must bring its response head within
 * the {@linkplain Builder#responseHeadTimeout response-head timeout}; otherwise the transport's
 * future is cancelled (so the socket closes) and the call fails with a retryable
 * {@link ResponseTimeoutException} naming the URL and the setting. The body then has the idle
 * timeout.
 *
 * <p><b>Credentials.</b> A redirect to another origin drops every credential header (see
 * {@link Builder#secretHeaders(Set)}), and the request's secret values are cut out of an error
 * body before it becomes an {@link HttpStatusException}.
 *
 * <p>Parser callbacks (events) run serially on the transport's thread, directly: nothing is
 * allocated per event on the way. Listener callbacks are made without any lock held.
 */
public final class EventStreamCall {
    /** Receives the outcome of a call. All methods are called at most once, none after a cancel. */
    public interface Listener {
        /**
         * The response head was accepted (2xx, {@code text/event-stream}); events follow through
         * the parser. Not called when the call fails before.
         */
        default void onOpen() {}

        /**
         * The final response head (after redirects) arrived, with this status; called before
         * the status is checked, so also for an error status, and before {@link #onOpen()}.
         * Not called when no head arrived.
         *
         * @param status the HTTP status
         */
        default void onResponseHead(int status) {}

        /**
         * Terminal: the body ended normally (the parser has been finished).
         */
        void onEnd();

        /**
         * Terminal: a 2xx {@code application/json} response, read whole, arrived instead of an
         * event stream. Only when {@link Builder#jsonDocuments(int)} was set.
         *
         * @param json the body bytes, at most the configured limit
         */
        default void onJsonDocument(byte[] json) {}

        /**
         * Terminal: the call failed — network error, {@link io.noa.realtime.HttpStatusException}
         * (any status other than a followed redirect and other than 2xx; also 204),
         * {@link StreamFormatException} for a wrong {@code Content-Type}, idle timeout, a parser
         * limit, or an exception thrown by the parser's handler. Never a
         * {@link java.util.concurrent.CompletionException} wrapper.
         *
         * @param error the failure
         * @param afterOpen whether a 2xx response head had been accepted before the failure
         *     ({@link #onOpen()} was called, or a whole JSON document was being read): the
         *     server has answered, so a request that must not run twice must not be retried
         */
        void onFailure(Throwable error, boolean afterOpen);
    }

    private final Transport transport;
    private final StreamingRequest request;
    private final SseParser parser;
    private final Listener listener;
    private final BooleanSupplier mayRead;
    private final Duration idleTimeout;
    private final int jsonLimit;
    private final Duration headTimeout;
    private final String headTimeoutSetting;
    private final Set<String> secretHeaders;
    private final String target;
    /** The request's secret values, computed on first use by {@link #redactSecrets}. */
    private volatile List<String> secretValues;
    private final Object lock = new Object();
    /** The transport's own future of the request in flight (one per redirect hop). */
    private CompletableFuture<StreamingResponse> inFlight;
    private StreamingResponse response;
    private ScheduledFuture<?> headTimer;
    /** Written under {@link #lock}; read without it by {@link #resume()}. */
    private volatile SseBodyReader reader;
    private boolean started;
    private boolean done;
    private volatile boolean opened;

    private EventStreamCall(Builder b) {
        this.transport = b.transport;
        this.request = markSecret(b.request, b.secretHeaders);
        this.parser = b.parser;
        this.listener = b.listener;
        this.mayRead = b.mayRead;
        this.idleTimeout = b.idleTimeout;
        this.jsonLimit = b.jsonLimit;
        this.headTimeout = b.headTimeout;
        this.headTimeoutSetting = b.headTimeoutSetting;
        this.secretHeaders = b.secretHeaders;
        this.target = Redaction.url(b.request.uri());
    }

    /**
     * A builder.
     *
     * @param transport the transport (its HTTP side and its scheduler)
     * @param request the request to send
     * @param parser the parser the body is fed into; its handler receives the events
     * @param listener the outcome receiver
     * @return the builder
     */
    public static Builder builder(Transport transport, StreamingRequest request, SseParser parser, Listener listener) {
        return new Builder(transport, request, parser, listener);
    }

    /**
     * Cuts this request's secret values (the auth header and every header treated as a credential,
     * a key in the URL query) out of a text the server sent, for example an error event inside a
     * 2xx stream that echoes the request. Texts the SDK keeps (messages, errors) go through this.
     *
     * @param text a text from the server, or {@code null}
     * @return the text with each secret value replaced by {@code <redacted>}
     */
    public String redactSecrets(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        List<String> secrets = secretValues;
        if (secrets == null) {
            secrets = HttpExchange.secretValues(request, secretHeaders);
            secretValues = secrets;
        }
        return Redaction.redactValues(text, secrets);
    }

    /** Sends the request. Call once; no effect after {@link #cancel()}. */
    public void start() {
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("an EventStreamCall starts once");
            }
            started = true;
        }
        send(request, 0);
    }

    /**
     * Room appeared downstream ({@code mayRead} turned true): read on. Cheap; safe from any
     * thread.
     */
    public void resume() {
        SseBodyReader r = reader;
        if (r != null) {
            r.resume();
        }
    }

    /**
     * Stops the call and releases its connection: cancels the request in flight, or closes the
     * response. No listener callback follows. Idempotent; safe from any thread and at any time.
     */
    public void cancel() {
        release(null);
    }

    /**
     * The consumer has everything it needs (e.g. a chat stream's {@code [DONE]}): no callback
     * follows, the rest of the body is read and discarded for at most {@code grace} so that the
     * connection can go back to the transport's pool, then it is released. Before the body is
     * open this is {@link #cancel()}. Idempotent.
     *
     * @param grace how long the rest of the body may take
     */
    public void drainAndRelease(Duration grace) {
        release(Objects.requireNonNull(grace, "grace"));
    }

    private void release(Duration grace) {
        CompletableFuture<StreamingResponse> f;
        StreamingResponse resp;
        SseBodyReader r;
        synchronized (lock) {
            if (done) {
                return;
            }
            done = true;
            f = inFlight;
            resp = response;
            r = reader;
            inFlight = null;
            cancelHeadTimerLocked();
        }
        if (f != null) {
            f.cancel(true); // the transport aborts the request and closes a response that comes later
        }
        if (r != null) {
            if (grace != null) {
                r.drainAndRelease(grace);
            } else {
                r.cancel();
            }
        } else if (resp != null) {
            resp.close();
        }
    }

    /**
     * The request with the headers the user marked secret marked in its {@link Headers}, so that
     * its {@code toString} (and every later request built from it, a redirect's included) hides
     * their values whatever their names.
     */
    private static StreamingRequest markSecret(StreamingRequest request, Set<String> secretHeaders) {
        if (secretHeaders.isEmpty()) {
            return request;
        }
        io.noa.realtime.spi.Headers.Builder h = request.headers().toBuilder();
        secretHeaders.forEach(h::secret);
        return request.toBuilder().headers(h.build()).build();
    }

        private void send(StreamingRequest req, int hops) {
        if (isDone()) {
            return;
        }
        CompletableFuture<StreamingResponse> f;
        try {
            f = transport.http().send(req);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        boolean cancelled;
        CompletableFuture<StreamingResponse> sent = f;
        synchronized (lock) {
            cancelled = done;
            if (!cancelled) {
                inFlight = f;
                if (!f.isDone()) {
                    try {
                        headTimer = transport.scheduler().schedule(() -> headTimedOut(sent, req),
                                headTimeout.toNanos(), TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException e) {
                        headTimer = null; // the transport is closing: its future fails on its own
                    }
                }
            }
        }
        if (cancelled) {
            f.cancel(true); // cancelled while the transport took the request
        }
        f.whenComplete((resp, err) -> onHead(req, hops, resp, err));
    }

    /** No head within the timeout: fail first (so the cancel's own failure is not reported), then cancel. */
    private void headTimedOut(CompletableFuture<StreamingResponse> f, StreamingRequest req) {
        synchronized (lock) {
            if (done || inFlight != f) {
                return;
            }
        }
        fail(new ResponseTimeoutException(Redaction.url(req.uri()), "No response head", headTimeout, headTimeoutSetting));
        f.cancel(true); // the transport aborts the exchange and closes the socket
    }

    private void cancelHeadTimerLocked() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    private void onHead(StreamingRequest req, int hops, StreamingResponse resp, Throwable err) {
        if (err != null) {
            fail(Futures.unwrap(err)); // nothing after a cancel: fail() checks
            return;
        }
        synchronized (lock) {
            inFlight = null;
            cancelHeadTimerLocked();
            if (done) {
                resp.close(); // arrived after a cancel
                return;
            }
            response = resp;
        }
        Optional<StreamingRequest> next;
        try {
            next = HttpExchange.redirect(req, resp, hops, secretHeaders);
        } catch (RuntimeException e) {
            resp.close();
            fail(e);
            return;
        }
        if (next.isPresent()) {
            synchronized (lock) {
                response = null;
            }
            resp.close();
            send(next.get(), hops + 1);
            return;
        }
        int status = resp.status();
        listener.onResponseHead(status);
        if (status == 204 || status < 200 || status >= 300) {
            if (status == 204) {
                resp.close();
                fail(new HttpStatusException(target, 204, "", null, null));
            } else {
                List<String> secrets = HttpExchange.secretValues(req, secretHeaders);
                HttpExchange.statusException(resp, target, transport.scheduler(), secrets).thenAccept(this::fail);
            }
            return;
        }
        String type = resp.headers().first("Content-Type").orElse("");
        String mediaType = mediaType(type);
        if (mediaType.equals("text/event-stream")) {
            open(resp);
        } else if (jsonLimit > 0 && (mediaType.equals("application/json") || mediaType.endsWith("+json"))) {
            opened = true; // the server answered 2xx: a failure from here on is "after open"
            HttpExchange.readWhole(resp, jsonLimit, idleTimeout, transport.scheduler(), target)
                    .whenComplete((json, e) -> {
                        if (e != null) {
                            fail(Futures.unwrap(e));
                        } else if (finish()) {
                            listener.onJsonDocument(json);
                        }
                    });
        } else {
            resp.close();
            fail(new StreamFormatException("Expected Content-Type text/event-stream from " + target + ", got "
                    + (type.isEmpty() ? "none" : "'" + type + "'")
                    + "; check the URL: this does not look like an event stream endpoint", type));
        }
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
    }

    private void open(StreamingResponse resp) {
        SseBodyReader r = new SseBodyReader(parser, new SseBodyReader.Sink() {
            @Override
            public void onEnd() {
                if (finish()) {
                    listener.onEnd();
                }
            }

            @Override
            public void onFailure(Throwable error) {
                fail(error);
            }
        }, mayRead, transport.scheduler(), idleTimeout, target);
        synchronized (lock) {
            if (done) {
                return; // release() closed the response
            }
            reader = r;
        }
        opened = true;
        listener.onOpen();
        resp.body().subscribe(r);
    }

    private boolean isDone() {
        synchronized (lock) {
            return done;
        }
    }

    /** Marks the call done; true if this caller delivers the terminal callback. */
    private boolean finish() {
        synchronized (lock) {
            if (done) {
                return false;
            }
            done = true;
            inFlight = null;
            cancelHeadTimerLocked();
            return true;
        }
    }

    private void fail(Throwable error) {
        StreamingResponse resp;
        SseBodyReader r;
        synchronized (lock) {
            if (done) {
                return;
            }
            done = true;
            resp = response;
            r = reader;
            inFlight = null;
            cancelHeadTimerLocked();
        }
        if (r != null) {
            r.cancel();
        } else if (resp != null) {
            resp.close();
        }
        listener.onFailure(error, opened);
    }

    @Override
    public String toString() {
        return "EventStreamCall{" + request.method() + ' ' + target + '}';
    }

    /** Settings of one {@link EventStreamCall}. Not thread-safe. */
    public static final class Builder {
        private final Transport transport;
        private final StreamingRequest request;
        private final SseParser parser;
        private final Listener listener;
        private BooleanSupplier mayRead = () -> true;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private int jsonLimit;
        private Duration headTimeout = Duration.ofSeconds(10);
        private String headTimeoutSetting = "responseHeadTimeout";
        private Set<String> secretHeaders = Set.of();

        private Builder(Transport transport, StreamingRequest request, SseParser parser, Listener listener) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.request = Objects.requireNonNull(request, "request");
            this.parser = Objects.requireNonNull(parser, "parser");
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /**
         * Whether the consumer has room for more events now (default: always); when it answers
         * false, reading stops until {@link EventStreamCall#resume()}.
         *
         * @param mayRead the test, called on the transport's thread
         * @return this builder
         */
        public Builder mayRead(BooleanSupplier mayRead) {
            this.mayRead = Objects.requireNonNull(mayRead, "mayRead");
            return this;
        }

        /**
         * The body's read timeout, reset by any bytes (default 5 minutes). Time spent paused for
         * backpressure does not count.
         *
         * @param timeout the timeout, positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must be positive, was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * How long each request (each redirect hop) may wait for its response head once sent
         * (default 10 s). Past it the transport's future is cancelled, which closes the
         * connection, and the call fails with a retryable {@link ResponseTimeoutException}.
         *
         * @param timeout the timeout, positive
         * @param setting the user-facing setting named in the error message, e.g.
         *     {@code "SseClientOptions.Builder.responseHeadTimeout"}
         * @return this builder
         */
        public Builder responseHeadTimeout(Duration timeout, String setting) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("responseHeadTimeout must be positive, was " + timeout);
            }
            this.headTimeout = timeout;
            this.headTimeoutSetting = Objects.requireNonNull(setting, "setting");
            return this;
        }

        /**
         * Header names the user marked secret, beyond the credential names known to every
         * client ({@code Authorization}, cookies, {@code x-api-key}, {@code api-key},
         * {@code apikey}, {@code api_key}, {@code x-auth-token}, names of keys and tokens): like them, they
         * are not sent along a redirect to another origin, and their values are cut out of error
         * bodies.
         *
         * @param names the names, any case
         * @return this builder
         */
        public Builder secretHeaders(Set<String> names) {
            Set<String> lower = new java.util.TreeSet<>();
            for (String n : Objects.requireNonNull(names, "names")) {
                lower.add(n.toLowerCase(Locale.ROOT));
            }
            this.secretHeaders = Set.copyOf(lower);
            return this;
        }

        /**
         * Accepts a 2xx {@code application/json} answer of at most {@code maxBytes} as a whole
         * document ({@link Listener#onJsonDocument(byte[])}) instead of failing with
         * {@link StreamFormatException} (a chat server that ignored {@code stream:true}).
         *
         * @param maxBytes the largest document accepted, positive; larger is a
         *     {@link StreamFormatException}
         * @return this builder
         */
        public Builder jsonDocuments(int maxBytes) {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
            }
            this.jsonLimit = maxBytes;
            return this;
        }

        /**
         * The call, not started.
         *
         * @return the call
         */
        public EventStreamCall build() {
            return new EventStreamCall(this);
        }
    }
}
