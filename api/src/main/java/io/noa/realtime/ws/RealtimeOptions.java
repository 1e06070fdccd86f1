package io.noa.realtime.ws;

import io.noa.realtime.internal.Args;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.event.EventCodec;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The immutable configuration of a {@link RealtimeClient}; the option names and defaults are
 * socket.io-client's. Build with {@link RealtimeClient#builder(URI)}; derive variants with
 * {@link #toBuilder()}.
 */
public final class RealtimeOptions {
    private final URI url;
    private final boolean reconnection;
    private final int reconnectionAttempts;
    private final Duration reconnectionDelay;
    private final Duration reconnectionDelayMax;
    private final double randomizationFactor;
    private final Duration timeout;
    private final boolean autoConnect;
    private final Supplier<?> auth;
    private final Headers headers;
    private final Duration heartbeatInterval;
    private final Duration pongTimeout;
    private final int maxPendingEmits;
    private final long maxQueuedBytes;
    private final boolean resendAcksOnReconnect;
    private final Duration defaultAckTimeout;
    private final int retries;
    private final WireProtocol protocol;
    private final EventCodec codec;
    private final Executor callbackExecutor;
    private final Transport transport;
    private final io.noa.realtime.ClientEventListener eventListener;

    private RealtimeOptions(Builder b) {
        url = b.url;
        reconnection = b.reconnection;
        reconnectionAttempts = b.reconnectionAttempts;
        reconnectionDelay = b.reconnectionDelay;
        reconnectionDelayMax = b.reconnectionDelayMax;
        randomizationFactor = b.randomizationFactor;
        timeout = b.timeout;
        autoConnect = b.autoConnect;
        auth = b.auth;
        headers = b.headers.build();
        heartbeatInterval = b.heartbeatInterval;
        pongTimeout = b.pongTimeout;
        maxPendingEmits = b.maxPendingEmits;
        maxQueuedBytes = b.maxQueuedBytes;
        resendAcksOnReconnect = b.resendAcksOnReconnect;
        defaultAckTimeout = b.defaultAckTimeout;
        retries = b.retries;
        protocol = b.protocol;
        codec = b.codec;
        callbackExecutor = b.callbackExecutor;
        transport = b.transport;
        eventListener = io.noa.realtime.ClientEventListener.guarded(b.eventListener);
    }

    static Builder builder(URI url) {
        return new Builder(url);
    }

    /**
     * A builder with these values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(url);
        b.reconnection = reconnection;
        b.reconnectionAttempts = reconnectionAttempts;
        b.reconnectionDelay = reconnectionDelay;
        b.reconnectionDelayMax = reconnectionDelayMax;
        b.randomizationFactor = randomizationFactor;
        b.timeout = timeout;
        b.autoConnect = autoConnect;
        b.auth = auth;
        b.headers = headers.toBuilder();
        b.heartbeatInterval = heartbeatInterval;
        b.pongTimeout = pongTimeout;
        b.maxPendingEmits = maxPendingEmits;
        b.maxQueuedBytes = maxQueuedBytes;
        b.resendAcksOnReconnect = resendAcksOnReconnect;
        b.defaultAckTimeout = defaultAckTimeout;
        b.retries = retries;
        b.protocol = protocol;
        b.codec = codec;
        b.callbackExecutor = callbackExecutor;
        b.transport = transport;
        b.eventListener = eventListener;
        return b;
    }

    /**
     * The WebSocket URL.
     *
     * @return a {@code ws} or {@code wss} URI
     */
    public URI url() {
        return url;
    }

    /**
     * Whether to reconnect after the link drops (default true).
     *
     * @return true to reconnect
     */
    public boolean reconnection() {
        return reconnection;
    }

    /**
     * Reconnection attempts before giving up (default unlimited).
     *
     * @return the count, {@link RetryPolicy#UNLIMITED} for no limit
     */
    public int reconnectionAttempts() {
        return reconnectionAttempts;
    }

    /**
     * The first reconnection delay (default 1 s).
     *
     * @return the delay
     */
    public Duration reconnectionDelay() {
        return reconnectionDelay;
    }

    /**
     * The longest reconnection delay (default 5 s).
     *
     * @return the delay
     */
    public Duration reconnectionDelayMax() {
        return reconnectionDelayMax;
    }

    /**
     * The jitter factor (default 0.5; 0 means exact delays).
     *
     * @return the factor in {@code [0, 1]}
     */
    public double randomizationFactor() {
        return randomizationFactor;
    }

    /**
     * The connect timeout: WebSocket handshake plus protocol handshake (default 20 s).
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Whether {@code build()} connects at once (default true).
     *
     * @return true to connect on build
     */
    public boolean autoConnect() {
        return autoConnect;
    }

    /**
     * The auth payload supplier, called on every (re)connect.
     *
     * @return the supplier; it returns {@code null} when there is no auth
     */
    public Supplier<?> auth() {
        return auth;
    }

    /**
     * Extra headers for the WebSocket upgrade request.
     *
     * @return the headers
     */
    public Headers headers() {
        return headers;
    }

    /**
     * How often the client pings (default 30 s).
     *
     * @return the interval
     */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * How long to wait for a pong before declaring the link dead (default 10 s).
     *
     * @return the timeout
     */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /**
     * The most emits buffered while disconnected (default 1,000).
     *
     * @return the bound
     */
    public int maxPendingEmits() {
        return maxPendingEmits;
    }

    /**
     * The most bytes queued in the transport while connected (default 16 MiB).
     *
     * @return the bound
     */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * Whether emits still waiting for an acknowledgement when the link drops are sent again after
     * the reconnect (default false: they fail with {@link io.noa.realtime.ConnectionClosedException}).
     *
     * @return true to re-send
     */
    public boolean resendAcksOnReconnect() {
        return resendAcksOnReconnect;
    }

    /**
     * The acknowledgement timeout used by {@link RealtimeClient#emitWithAck(String, Object)}
     * and by rooms (default 10 s).
     *
     * @return the timeout
     */
    public Duration defaultAckTimeout() {
        return defaultAckTimeout;
    }

    /**
     * socket.io-client's name for {@link #defaultAckTimeout()}: with {@link #retries()}, the
     * timeout of each try.
     *
     * @return the timeout
     */
    public Duration ackTimeout() {
        return defaultAckTimeout;
    }

    /**
     * How many more times an acknowledged emit is sent when an answer does not arrive in time
     * (socket.io-client's {@code retries}; default 0). See {@link Builder#retries(int)}.
     *
     * @return the count of extra tries
     */
    public int retries() {
        return retries;
    }

    /**
     * The delay before reconnection attempt {@code attempt} (0 = the first after a drop), computed
     * like socket.io-client's {@code Backoff}: {@code ms = reconnectionDelay * 2^attempt}; with a
     * factor {@code f > 0} and a uniform {@code r} in {@code [0, 1)}, {@code dev = floor(r * f * ms)}
     * is subtracted when {@code floor(r * 10)} is even and added when it is odd; the result is
     * {@code min(ms, reconnectionDelayMax)}, truncated to whole milliseconds. So
     * {@code randomizationFactor 0} gives exact delays, and once {@code ms * (1 - f)} reaches the
     * maximum every delay is exactly the maximum. The attempt count starts again at 0 after every
     * successful connect.
     *
     * @param attempt the zero-based attempt
     * @param random a source of uniform values in {@code [0, 1)}
     * @return the delay
     */
    public Duration reconnectionDelayFor(int attempt, DoubleSupplier random) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, was " + attempt);
        }
        Objects.requireNonNull(random, "random");
        long max = reconnectionDelayMax.toMillis();
        double ms = reconnectionDelay.toMillis() * Math.pow(2, attempt);
        if (randomizationFactor > 0 && !Double.isInfinite(ms)) {
            double r = random.getAsDouble();
            double deviation = Math.floor(r * randomizationFactor * ms);
            ms = (((long) Math.floor(r * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
        }
        return Duration.ofMillis(Double.isNaN(ms) || ms >= max ? max : (long) ms);
    }

    /**
     * {@link #reconnectionDelayFor(int, DoubleSupplier)} with {@code Math.random}-like jitter.
     *
     * @param attempt the zero-based attempt
     * @return the delay
     */
    public Duration reconnectionDelayFor(int attempt) {
        return reconnectionDelayFor(attempt, ThreadLocalRandom.current()::nextDouble);
    }

    /**
     * The wire protocol (default {@link JsonEnvelopeProtocol}).
     *
     * @return the protocol
     */
    public WireProtocol protocol() {
        return protocol;
    }

    /**
     * The payload codec.
     *
     * @return the codec
     */
    public EventCodec codec() {
        return codec;
    }

    /**
     * The metrics listener ({@link io.noa.realtime.ClientEventListener#NONE} unless set).
     *
     * @return the listener, as the client calls it (guarded)
     */
    public io.noa.realtime.ClientEventListener eventListener() {
        return eventListener;
    }

    /**
     * Where callbacks run, serially; by default on the transport's I/O thread.
     *
     * @return the executor
     */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    /**
     * The transport, if set; otherwise {@link io.noa.realtime.spi.Transports#load()} is used.
     *
     * @return the transport
     */
    public Optional<Transport> transport() {
        return Optional.ofNullable(transport);
    }

    /**
     * The retry policy these options describe.
     *
     * @return reconnectionAttempts, reconnectionDelay(Max) and randomizationFactor as a policy
     *     (multiplier 2), or {@link RetryPolicy#none()} without reconnection
     */
    public RetryPolicy retryPolicy() {
        if (!reconnection) {
            return RetryPolicy.none();
        }
        return RetryPolicy.builder().maxRetries(reconnectionAttempts).initialDelay(reconnectionDelay)
                .maxDelay(reconnectionDelayMax).multiplier(2).randomizationFactor(randomizationFactor).build();
    }

    @Override
    public String toString() {
        return "RealtimeOptions{" + Redaction.url(url) + ", protocol=" + protocol.name() + ", reconnection="
                + reconnection + ", headers=" + headers + ", auth=<redacted>}";
    }

    /** Builds a {@link RealtimeClient}. Not thread-safe. */
    public static final class Builder {
        private final URI url;
        private boolean reconnection = true;
        private int reconnectionAttempts = RetryPolicy.UNLIMITED;
        private Duration reconnectionDelay = Duration.ofSeconds(1);
        private Duration reconnectionDelayMax = Duration.ofSeconds(5);
        private double randomizationFactor = 0.5;
        private Duration timeout = Duration.ofSeconds(20);
        private boolean autoConnect = true;
        private Supplier<?> auth = () -> null;
        private Headers.Builder headers = Headers.builder();
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(10);
        private int maxPendingEmits = 1000;
        private long maxQueuedBytes = 16L * 1024 * 1024;
        private boolean resendAcksOnReconnect;
        private Duration defaultAckTimeout = Duration.ofSeconds(10);
        private int retries;
        private WireProtocol protocol = JsonEnvelopeProtocol.instance();
        private EventCodec codec = EventCodec.defaults();
        private Executor callbackExecutor = Runnable::run;
        private io.noa.realtime.ClientEventListener eventListener = io.noa.realtime.ClientEventListener.NONE;
        private Transport transport;

        private Builder(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("url must be a ws:// or wss:// URI, was " + Redaction.url(url));
            }
            if (url.getHost() == null) {
                throw new IllegalArgumentException("url has no host: " + Redaction.url(url));
            }
            this.url = url;
        }

        /**
         * Whether to reconnect after the link drops (default true).
         *
         * @param reconnection false to stay disconnected
         * @return this builder
         */
        public Builder reconnection(boolean reconnection) {
            this.reconnection = reconnection;
            return this;
        }

        /**
         * Attempts before giving up (default unlimited).
         *
         * @param attempts 0 or more, or {@link RetryPolicy#UNLIMITED}
         * @return this builder
         */
        public Builder reconnectionAttempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("reconnectionAttempts must be >= 0, was " + attempts);
            }
            this.reconnectionAttempts = attempts;
            return this;
        }

        /**
         * The first reconnection delay (default 1 s).
         *
         * @param delay zero or positive
         * @return this builder
         */
        public Builder reconnectionDelay(Duration delay) {
            this.reconnectionDelay = Args.nonNegative(delay, "reconnectionDelay");
            return this;
        }

        /**
         * The longest reconnection delay (default 5 s).
         *
         * @param delay zero or positive
         * @return this builder
         */
        public Builder reconnectionDelayMax(Duration delay) {
            this.reconnectionDelayMax = Args.nonNegative(delay, "reconnectionDelayMax");
            return this;
        }

        /**
         * The jitter factor (default 0.5).
         *
         * @param factor in {@code [0, 1]}; 0 gives exact delays
         * @return this builder
         */
        public Builder randomizationFactor(double factor) {
            if (!(factor >= 0 && factor <= 1)) {
                throw new IllegalArgumentException("randomizationFactor must be in [0, 1], was " + factor);
            }
            this.randomizationFactor = factor;
            return this;
        }

        /**
         * The connect timeout (default 20 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Args.positive(timeout, "timeout");
            return this;
        }

        /**
         * Whether {@code build()} connects at once (default true).
         *
         * @param autoConnect false to call {@link RealtimeClient#connect()} yourself
         * @return this builder
         */
        public Builder autoConnect(boolean autoConnect) {
            this.autoConnect = autoConnect;
            return this;
        }

        /**
         * A fixed auth payload (any value the codec can serialize), sent in the handshake.
         *
         * @param auth e.g. {@code Map.of("token", "...")}
         * @return this builder
         */
        public Builder auth(Object auth) {
            Objects.requireNonNull(auth, "auth");
            this.auth = () -> auth;
            return this;
        }

        /**
         * An auth payload computed on every (re)connect, e.g. a rotated token.
         *
         * @param supplier called before each handshake, off the caller's thread
         * @return this builder
         */
        public Builder authSupplier(Supplier<?> supplier) {
            this.auth = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /**
         * Adds a header to the WebSocket upgrade request.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * How often to ping (default 30 s).
         *
         * @param interval positive
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Args.positive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * How long to wait for a pong (default 10 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = Args.positive(timeout, "pongTimeout");
            return this;
        }

        /**
         * The most emits buffered while disconnected (default 1,000).
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxPendingEmits(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPendingEmits must be >= 1, was " + max);
            }
            this.maxPendingEmits = max;
            return this;
        }

        /**
         * The most bytes queued in the transport while connected (default 16 MiB).
         *
         * @param max at least 1024
         * @return this builder
         */
        public Builder maxQueuedBytes(long max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxQueuedBytes must be >= 1024, was " + max);
            }
            this.maxQueuedBytes = max;
            return this;
        }

        /**
         * Re-send emits whose acknowledgement is pending when the link drops (default false).
         *
         * @param resend true to re-send after reconnect
         * @return this builder
         */
        public Builder resendAcksOnReconnect(boolean resend) {
            this.resendAcksOnReconnect = resend;
            return this;
        }

        /**
         * The default acknowledgement timeout (default 10 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder defaultAckTimeout(Duration timeout) {
            this.defaultAckTimeout = Args.positive(timeout, "defaultAckTimeout");
            return this;
        }

        /**
         * socket.io-client's name for {@link #defaultAckTimeout(Duration)} (default 10 s): with
         * {@link #retries(int)}, how long each try waits for its answer.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder ackTimeout(Duration timeout) {
            return defaultAckTimeout(timeout);
        }

        /**
         * At-least-once delivery of acknowledged emits, like socket.io-client's {@code retries}
         * (default 0: off). With {@code retries > 0}, {@link RealtimeClient#emitWithAck} emits wait
         * in an ordered queue and one at a time is in flight; a try that gets no answer within its
         * timeout ({@link #ackTimeout(Duration)}, or the per-emit timeout) is sent again with a new
         * acknowledgement id, up to {@code retries} more times, then fails with
         * {@link io.noa.realtime.AckTimeoutException}; a try whose link drops is sent again, with a
         * new id, after the reconnect. The server may therefore see an event more than once: make
         * its handler idempotent. Plain emits, volatile emits and the client's own room and
         * presence emits are not queued.
         *
         * @param retries 0 or more
         * @return this builder
         */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0, was " + retries);
            }
            this.retries = retries;
            return this;
        }

        /**
         * The wire protocol (default {@link JsonEnvelopeProtocol#instance()}).
         *
         * @param protocol the protocol
         * @return this builder
         */
        public Builder protocol(WireProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * The payload codec, e.g. over your own {@code ObjectMapper}.
         *
         * @param codec the codec
         * @return this builder
         */
        public Builder codec(EventCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * Where callbacks run (serially); by default the transport's I/O thread, so they must not block.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * A metrics listener: connect start and end (the handshake done), connect failures, the
         * first inbound event of each link, each inbound event, each reconnection scheduled, the
         * end (see {@link io.noa.realtime.ClientEventListener} for the order and the threads).
         * Default {@link io.noa.realtime.ClientEventListener#NONE}.
         *
         * @param listener the listener; its {@code subject} is the URL, credentials stripped
         * @return this builder
         */
        public Builder eventListener(io.noa.realtime.ClientEventListener listener) {
            this.eventListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The transport (default {@link io.noa.realtime.spi.Transports#load()}).
         *
         * @param transport the transport
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * The configuration.
         *
         * @return immutable options
         * @throws IllegalArgumentException if reconnectionDelay exceeds reconnectionDelayMax
         */
        public RealtimeOptions options() {
            if (reconnectionDelay.compareTo(reconnectionDelayMax) > 0) {
                throw new IllegalArgumentException("reconnectionDelay (" + reconnectionDelay
                        + ") must not exceed reconnectionDelayMax (" + reconnectionDelayMax + ")");
            }
            return new RealtimeOptions(this);
        }

        /**
         * Builds the client; connects at once when {@code autoConnect} is true.
         *
         * @return the client
         */
        public RealtimeClient build() {
            return RealtimeClient.create(options());
        }
    }
}
