package io.noa.realtime.sse;

import io.noa.realtime.internal.Args;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.internal.Redaction;
import io.noa.realtime.internal.SerialExecutor;
import io.noa.realtime.spi.Transport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Immutable settings of an {@link SseClient}; build with {@link SseClient#builder(URI)}.
 */
public final class SseClientOptions {
    final URI uri;
    final String method;
    final byte[] body;
    final Map<String, String> headers;
    final Supplier<Map<String, String>> headerSupplier;
    final RetryPolicy retryPolicy;
    final String lastEventId;
    final Duration idleTimeout;
    final Duration connectTimeout;
    final Duration responseHeadTimeout;
    final Set<String> secretHeaders;
    final int maxEventSize;
    final int maxLineSize;
    final int maxQueuedEvents;
    final Executor callbackExecutor;
    final Transport transport;
    final io.noa.realtime.ClientEventListener eventListener;

    private SseClientOptions(Builder b) {
        this.uri = b.uri;
        this.method = b.method;
        this.body = b.body;
        this.headers = Map.copyOf(b.headers);
        this.headerSupplier = b.headerSupplier;
        this.retryPolicy = b.retryPolicy;
        this.lastEventId = b.lastEventId;
        this.idleTimeout = b.idleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.responseHeadTimeout = b.responseHeadTimeout;
        this.secretHeaders = Set.copyOf(b.secretHeaders);
        this.maxEventSize = b.maxEventSize;
        this.maxLineSize = b.maxLineSize;
        this.maxQueuedEvents = b.maxQueuedEvents;
        this.callbackExecutor = b.callbackExecutor;
        this.transport = b.transport;
        this.eventListener = io.noa.realtime.ClientEventListener.guarded(b.eventListener);
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
     * The event source URL.
     *
     * @return the URL
     */
    public URI uri() {
        return uri;
    }

    /**
     * The HTTP method ({@code GET} by default).
     *
     * @return the method
     */
    public String method() {
        return method;
    }

    /**
     * The reconnection policy.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * The read timeout: no byte (event or comment) for this long reconnects the stream.
     *
     * @return the idle timeout
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The connect timeout of each attempt.
     *
     * @return the connect timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long each attempt waits for the response head after sending the request.
     *
     * @return the response-head timeout
     */
    public Duration responseHeadTimeout() {
        return responseHeadTimeout;
    }

    /**
     * The names of the headers marked secret with {@link Builder#secretHeader(String, String)}
     * (lower case).
     *
     * @return the names
     */
    public Set<String> secretHeaders() {
        return secretHeaders;
    }

    /**
     * The largest event (data bytes) accepted.
     *
     * @return the limit in bytes
     */
    public int maxEventSize() {
        return maxEventSize;
    }

    /**
     * The initial {@code Last-Event-ID}, if one was set.
     *
     * @return the id
     */
    public Optional<String> lastEventId() {
        return Optional.ofNullable(lastEventId);
    }

    @Override
    public String toString() {
        return "SseClientOptions{" + method + ' ' + Redaction.url(uri) + ", headers=" + headers.keySet()
                + ", retryPolicy=" + retryPolicy + ", idleTimeout=" + idleTimeout + ", connectTimeout="
                + connectTimeout + ", maxEventSize=" + maxEventSize + '}';
    }

    /** Builds an {@link SseClient}. Not thread-safe. */
    public static final class Builder {
        private URI uri;
        private String method = "GET";
        private byte[] body;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Supplier<Map<String, String>> headerSupplier = Map::of;
        private RetryPolicy retryPolicy = RetryPolicy.builder().unlimitedRetries().build();
        private String lastEventId;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseHeadTimeout = Duration.ofSeconds(15);
        private final Set<String> secretHeaders = new TreeSet<>();
        private int maxEventSize = SseParser.DEFAULT_MAX_EVENT_BYTES;
        private int maxLineSize = SseParser.DEFAULT_MAX_LINE_BYTES;
        private int maxQueuedEvents = 256;
        private Executor callbackExecutor = SerialExecutor.DIRECT;
        private io.noa.realtime.ClientEventListener eventListener = io.noa.realtime.ClientEventListener.NONE;
        private Transport transport;

        Builder(URI uri) {
            uri(uri);
        }

        /**
         * The event source URL ({@code http} or {@code https}).
         *
         * @param uri the URL
         * @return this builder
         */
        public Builder uri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("SSE needs an http or https URL, got " + Redaction.url(uri));
            }
            this.uri = uri;
            return this;
        }

        /**
         * The HTTP method; {@code GET} by default.
         *
         * @param method e.g. {@code POST}
         * @return this builder
         */
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * A request body, sent on every (re)connect.
         *
         * @param body the bytes (copied)
         * @return this builder
         */
        public Builder body(byte[] body) {
            this.body = Objects.requireNonNull(body, "body").clone();
            return this;
        }

        /**
         * A UTF-8 request body, sent on every (re)connect.
         *
         * @param body the text
         * @return this builder
         */
        public Builder body(String body) {
            return body(Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * A fixed request header. Credentials ({@code Authorization}, cookies, and every name
         * that looks like an API key or token, e.g. {@code x-api-key}, {@code api-key},
         * {@code apikey}, {@code api_key}, {@code x-auth-token}) are recognised by name: their
         * values are never printed, are redacted from error excerpts, and are not sent along a
         * redirect to another origin. For a credential under another name use
         * {@link #secretHeader(String, String)}.
         *
         * <p>A key put in the URL's query instead of a header is kept out of this library's
         * messages, but the JDK's own HTTP client logs whole URLs at its debug level
         * ({@code jdk.httpclient.HttpClient}); prefer a header.
         *
         * @param name the name
         * @param value the value: no control characters, nothing above U+00FF
         * @return this builder
         * @throws io.noa.realtime.InvalidHeaderException when the name or value holds a character
         *     HTTP cannot send (the message names the header, never the value)
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            checkHeader(name, value);
            headers.put(name, value);
            return this;
        }

        /**
         * A fixed request header holding a credential under a name this library does not
         * recognise as one (e.g. {@code X-Signature}): like {@link #header(String, String)}, and
         * its value is never printed, is redacted from error excerpts
         * ({@link io.noa.realtime.HttpStatusException#bodyExcerpt()}), and the header (also when
         * a {@link #headers(Supplier) supplier} provides it) is not sent along a redirect to
         * another origin.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         * @throws io.noa.realtime.InvalidHeaderException when the name or value holds a character
         *     HTTP cannot send
         */
        public Builder secretHeader(String name, String value) {
            header(name, value);
            secretHeaders.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        private static void checkHeader(String name, String value) {
            try {
                io.noa.realtime.spi.Headers.builder().add(name, value);
            } catch (IllegalArgumentException e) {
                throw new io.noa.realtime.InvalidHeaderException(name, e.getMessage());
            }
        }

        /**
         * Headers computed on every connect and reconnect (e.g. a refreshed bearer token); they
         * override fixed headers of the same name. Called on a transport thread: must not block.
         *
         * @param supplier the supplier
         * @return this builder
         */
        public Builder headers(Supplier<Map<String, String>> supplier) {
            this.headerSupplier = Objects.requireNonNull(supplier, "supplier");
            return this;
        }

        /**
         * How to reconnect; unlimited retries with exponential backoff by default.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The {@code Last-Event-ID} to send on the first connect (resume after a restart).
         *
         * @param id the id
         * @return this builder
         */
        public Builder lastEventId(String id) {
            this.lastEventId = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * The read timeout (default 5 minutes): a stream without any byte for this long is
         * considered dead and reconnected. Heartbeat comments count as bytes.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Args.positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * The connect timeout of each attempt (default 10 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Args.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long each attempt waits for the response head, counted from the moment the request
         * is handed to the transport, connecting included (default 15 s: near the 10 s connect
         * timeout and above it, so that an unreachable host still reports its
         * {@link io.noa.realtime.ConnectTimeoutException}; keep it above
         * {@link #connectTimeout(Duration)}). A server that accepts the connection and never
         * answers, or sends its head a byte at a time, fails the attempt with a retryable
         * {@link io.noa.realtime.ResponseTimeoutException}; the connection is closed and the
         * retry policy decides what follows. Redirects are timed hop by hop.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder responseHeadTimeout(Duration timeout) {
            this.responseHeadTimeout = Args.positive(timeout, "responseHeadTimeout");
            return this;
        }

        /**
         * The largest event data and line accepted (default 1 MiB). A larger one stops the client
         * for good: state {@link io.noa.realtime.ConnectionState#FAILED FAILED}, with a
         * {@link io.noa.realtime.LimitExceededException} (to {@code onError} and in the state
         * change) whose {@link io.noa.realtime.LimitExceededException#setting() setting} is
         * {@code "SseClientOptions.Builder.maxEventSize"}. It does not reconnect: the reconnect
         * would send the same {@code Last-Event-ID} and the server would replay the same event.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxEventSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxEventSize must be >= 1024, was " + bytes);
            }
            this.maxEventSize = bytes;
            this.maxLineSize = bytes;
            return this;
        }

        /**
         * How many events may wait for slow consumers (the {@link SseClient#events()} subscribers
         * and an asynchronous callback executor) before the client stops reading the socket
         * (default 256).
         *
         * @param events at least 1
         * @return this builder
         */
        public Builder maxQueuedEvents(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("maxQueuedEvents must be >= 1, was " + events);
            }
            this.maxQueuedEvents = events;
            return this;
        }

        /**
         * Where callbacks run; by default on the transport's I/O thread (do not block in them).
         * Callbacks of one client never run concurrently, whatever the executor.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * A metrics listener: connect start and end, response head, first byte, each event,
         * each retry scheduled, the end (see {@link io.noa.realtime.ClientEventListener} for the
         * order and the threads). Default {@link io.noa.realtime.ClientEventListener#NONE}.
         *
         * @param listener the listener; its {@code subject} is this client's URL, credentials stripped
         * @return this builder
         */
        public Builder eventListener(io.noa.realtime.ClientEventListener listener) {
            this.eventListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The transport; by default {@link io.noa.realtime.spi.Transports#load()}.
         *
         * @param transport the transport (not closed by the client)
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * The immutable options.
         *
         * @return the options
         */
        public SseClientOptions options() {
            if (body != null && method.equals("GET")) {
                throw new IllegalStateException("A GET request cannot have a body; set method(\"POST\")");
            }
            return new SseClientOptions(this);
        }

        /**
         * Builds the client (not yet connected; call {@link SseClient#connect()}).
         *
         * @return the client
         */
        public SseClient build() {
            return new SseClient(options());
        }
    }
}
