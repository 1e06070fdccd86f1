package io.noa.realtime.testkit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;

/**
 * A persistent Server-Sent Events endpoint for tests: clients {@code GET} the stream and receive
 * every event published while connected; a client that reconnects with {@code Last-Event-ID}
 * first gets the events it missed (from a bounded history), then live ones.
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#event-stream-server -->
 * <pre>{@code
 * try (EventStreamServer server = EventStreamServer.builder().retry(Duration.ofMillis(100)).start();
 *         SseClient client = SseClient.builder(server.uri()).build()) {
 *     client.connect();
 *     server.awaitConnections(1, Duration.ofSeconds(5));
 *     String id = server.publish("greeting", "hello");   // "id: 1\nevent: greeting\ndata: hello\n\n"
 *     await().until(() -> client.lastEventId().equals(Optional.of(id)));
 *     server.dropAll();                                   // the client reconnects with Last-Event-ID: 1
 *     server.awaitConnections(2, Duration.ofSeconds(5));
 *     assertThat(server.lastEventIdsSeen()).containsExactly(Optional.empty(), Optional.of("1"));
 * }
 * }</pre>
 *
 * <p>Event ids are {@code "1"}, {@code "2"}, ... in publish order. On a reconnect with a numeric
 * {@code Last-Event-ID} the events with a larger id still in the history are replayed; an
 * unknown, non-numeric id replays nothing. In this class a "connection" is one stream request to
 * the path (several may share one kept-alive TCP connection after a non-stream answer). Requests
 * to other paths get 404, other methods 405.
 *
 * <p>The server listens on {@code 127.0.0.1}, runs on two daemon Netty threads named
 * {@code noa-testkit-sse-*}, and is thread-safe.
 */
public final class EventStreamServer implements AutoCloseable {
    /** A one-shot status answer for the next stream request. */
    record StatusAnswer(int status, String contentType, String body) {}

    private record Event(long id, byte[] text) {}

    private final Builder config;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final URI uri;
    private final Object lock = new Object();
    private final ArrayDeque<Event> history = new ArrayDeque<>();
    private final Set<Channel> subscribers = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<StatusAnswer> overrides = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<Optional<String>> lastEventIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledFuture<?> heartbeat;
    private long lastId;

    private EventStreamServer(Builder config) {
        this.config = config;
        this.group = NettyServers.newGroup("sse", 2);
        this.serverChannel = NettyServers.bind(group, config.port, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ChannelPipeline p = ch.pipeline();
                if (config.tls != null) {
                    SSLEngine engine = config.tls.serverContext().createSSLEngine();
                    engine.setUseClientMode(false);
                    p.addLast(new SslHandler(engine));
                }
                p.addLast(new HttpServerCodec());
                p.addLast(new HttpObjectAggregator(1024 * 1024));
                p.addLast(new EventStreamHandler(EventStreamServer.this));
            }
        });
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        this.uri = URI.create((config.tls != null ? "https" : "http") + "://127.0.0.1:" + port + config.path);
        if (config.heartbeat != null) {
            long every = config.heartbeat.toNanos();
            this.heartbeat = group.next().scheduleAtFixedRate(() -> sendRaw(": heartbeat\n\n"), every, every,
                    TimeUnit.NANOSECONDS);
        } else {
            this.heartbeat = null;
        }
    }

    /**
     * Starts a server with the defaults: path {@code /events}, no heartbeats, no {@code retry:},
     * history of 1000 events, plain HTTP.
     *
     * @return the running server
     */
    public static EventStreamServer start() {
        return builder().start();
    }

    /**
     * A builder for a configured server.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The event stream's URI.
     *
     * @return {@code http://127.0.0.1:<port>/events} (or {@code https}, or the configured path)
     */
    public URI uri() {
        return uri;
    }

    /**
     * Publishes an event without an {@code event:} field to every connected client and keeps it
     * in the history.
     *
     * @param data the data; each line becomes a {@code data:} line
     * @return the event's id ({@code "1"}, {@code "2"}, ...)
     */
    public String publish(String data) {
        return publish0(null, Objects.requireNonNull(data, "data"));
    }

    /**
     * Publishes an event with an {@code event:} field to every connected client and keeps it in
     * the history.
     *
     * @param event the event type (no line breaks)
     * @param data the data; each line becomes a {@code data:} line
     * @return the event's id
     */
    public String publish(String event, String data) {
        Objects.requireNonNull(event, "event");
        if (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("event must not contain line breaks");
        }
        return publish0(event, Objects.requireNonNull(data, "data"));
    }

    private String publish0(String event, String data) {
        synchronized (lock) {
            long id = ++lastId;
            StringBuilder sb = new StringBuilder().append("id: ").append(id).append('\n');
            if (event != null) {
                sb.append("event: ").append(event).append('\n');
            }
            for (String line : data.split("\r\n|\r|\n", -1)) {
                sb.append("data: ").append(line).append('\n');
            }
            sb.append('\n');
            byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
            history.addLast(new Event(id, text));
            while (history.size() > config.historySize) {
                history.removeFirst();
            }
            for (Channel ch : subscribers) {
                write(ch, text, true);
            }
            return Long.toString(id);
        }
    }

    /**
     * Sends text as is to every connected client (not kept in the history): comments, partial
     * events, malformed lines.
     *
     * @param text the text, sent as UTF-8
     */
    public void sendRaw(String text) {
        byte[] bytes = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
        synchronized (lock) {
            for (Channel ch : subscribers) {
                write(ch, bytes, true);
            }
        }
    }

    /**
     * Answers the next stream request with this status and an empty body instead of a stream
     * (for example 204 to tell a client to stop, 404, or 200 with {@code text/plain}). Each call
     * covers one request; calls queue up.
     *
     * @param status the HTTP status
     * @param contentType the {@code Content-Type}
     */
    public void respondWith(int status, String contentType) {
        respondWith(status, contentType, "");
    }

    /**
     * Answers the next stream request with this status and body instead of a stream. Each call
     * covers one request; calls queue up.
     *
     * @param status the HTTP status
     * @param contentType the {@code Content-Type}
     * @param body the body (ignored for 204)
     */
    public void respondWith(int status, String contentType, String body) {
        MockResponse.checkStatus(status);
        overrides.add(new StatusAnswer(status, Objects.requireNonNull(contentType, "contentType"),
                status == 204 ? "" : Objects.requireNonNull(body, "body")));
    }

    /**
     * Forgets the {@code Last-Event-ID} headers recorded so far ({@link #lastEventIdsSeen()}), so a
     * long run (thousands of connections) keeps no memory per connection.
     */
    public void clearRecorded() {
        lastEventIds.clear();
    }

    /**
     * The {@code Last-Event-ID} header of every stream request so far, in order.
     *
     * @return an unmodifiable snapshot; empty optionals for requests without the header
     */
    public List<Optional<String>> lastEventIdsSeen() {
        return List.copyOf(lastEventIds);
    }

    /**
     * Clients receiving the stream now.
     *
     * @return the count
     */
    public int connectionCount() {
        return subscribers.size();
    }

    /**
     * Stream requests received since start, including those answered by {@link #respondWith}. A
     * streaming request is counted once it is subscribed: everything published after the count
     * went up reaches it.
     *
     * @return the count
     */
    public int totalConnections() {
        return total.get();
    }

    /** Closes every client's connection at once without ending the stream (a truncated chunked body). */
    public void dropAll() {
        for (Channel ch : subscribers) {
            ch.close();
        }
    }

    /**
     * Waits until {@link #totalConnections()} reaches {@code total}.
     *
     * @param total the count to reach
     * @param timeout how long to wait
     * @throws IllegalStateException on timeout
     */
    public void awaitConnections(int total, Duration timeout) {
        NettyServers.await(() -> this.total.get() >= total, timeout,
                total + " stream requests at " + uri + " (have " + this.total.get() + ")");
    }

    /** Stops listening, closes every connection and stops the server's threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            NettyServers.shutdown(group);
        }
    }

    @Override
    public String toString() {
        return "EventStreamServer[" + uri + "]";
    }

    // ---- used by EventStreamHandler ----

    String path() {
        return config.path;
    }

    Optional<StatusAnswer> connected(Optional<String> lastEventId) {
        lastEventIds.add(lastEventId);
        Optional<StatusAnswer> o = Optional.ofNullable(overrides.poll());
        if (o.isPresent()) {
            total.incrementAndGet(); // a stream request is counted in subscribe(), once it receives publications
        }
        return o;
    }

    void subscribe(Channel ch, Optional<String> lastEventId) {
        synchronized (lock) {
            if (config.retry != null) {
                write(ch, ("retry: " + config.retry.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII), false);
            }
            long after = lastEventId.map(EventStreamServer::parseId).orElse(Long.MAX_VALUE);
            for (Event e : history) {
                if (e.id() > after) {
                    write(ch, e.text(), false);
                }
            }
            subscribers.add(ch);
            total.incrementAndGet();
            ch.flush(); // the head reaches the client only once it is counted and subscribed
        }
        ch.closeFuture().addListener(f -> subscribers.remove(ch));
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void write(Channel ch, byte[] bytes, boolean flush) {
        DefaultHttpContent content = new DefaultHttpContent(Unpooled.wrappedBuffer(bytes));
        if (flush) {
            ch.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            ch.write(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    /** Configures an {@link EventStreamServer}. Not thread-safe. */
    public static final class Builder {
        private int port;
        private String path = "/events";
        private Duration heartbeat;
        private Duration retry;
        private int historySize = 1000;
        private TestCertificate tls;

        private Builder() {}

        /**
         * The port to listen on (default 0: an ephemeral port).
         *
         * @param port 0..65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The stream's path (default {@code /events}).
         *
         * @param path an absolute path
         * @return this builder
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/': " + path);
            }
            this.path = path;
            return this;
        }

        /**
         * Sends a {@code ": heartbeat"} comment to every client at this interval (default: never).
         *
         * @param every the interval, positive
         * @return this builder
         */
        public Builder heartbeatEvery(Duration every) {
            MockResponse.checkDuration(every, "every");
            if (every.isZero()) {
                throw new IllegalArgumentException("heartbeat interval must be positive");
            }
            this.heartbeat = every;
            return this;
        }

        /**
         * Sends {@code retry: <millis>} to each client when it connects (default: not sent).
         *
         * @param retry the reconnection delay to advertise
         * @return this builder
         */
        public Builder retry(Duration retry) {
            MockResponse.checkDuration(retry, "retry");
            this.retry = retry;
            return this;
        }

        /**
         * How many recent events are kept for {@code Last-Event-ID} replay (default 1000).
         *
         * @param events 0 or more
         * @return this builder
         */
        public Builder historySize(int events) {
            if (events < 0) {
                throw new IllegalArgumentException("historySize must be >= 0: " + events);
            }
            this.historySize = events;
            return this;
        }

        /**
         * Serves HTTPS with this certificate.
         *
         * @param certificate the server certificate
         * @return this builder
         */
        public Builder tls(TestCertificate certificate) {
            this.tls = Objects.requireNonNull(certificate, "certificate");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IllegalStateException if the port cannot be bound
         */
        public EventStreamServer start() {
            Builder b = new Builder();
            b.port = port;
            b.path = path;
            b.heartbeat = heartbeat;
            b.retry = retry;
            b.historySize = historySize;
            b.tls = tls;
            return new EventStreamServer(b);
        }
    }

    /** The command line of {@link #main}. */
    static final CommandLine COMMAND_LINE = new CommandLine("EventStreamServer",
            "A text/event-stream server publishing a numbered 'tick' event at a fixed rate, with ids, heartbeats "
                    + "and Last-Event-ID replay.",
            List.of(CommandLine.Option.value("--port", "N", "port to listen on (default 8081; 0: a free one)"),
                    CommandLine.Option.value("--path", "PATH", "the stream's path (default /events)"),
                    CommandLine.Option.value("--every-ms", "MS", "publish a tick this often (default 1000)"),
                    CommandLine.Option.value("--heartbeat-s", "S", "a ':' comment this often (default 15)"),
                    CommandLine.Option.value("--retry-ms", "MS", "the retry: field sent to clients (default 1000)")));

    /**
     * Runs a server from the command line, publishing a numbered event at a fixed rate, until
     * killed; prints its URL; {@code --help} lists the flags ({@code --port}, {@code --path},
     * {@code --every-ms}, {@code --heartbeat-s}, {@code --retry-ms}).
     *
     * @param args the flags
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        COMMAND_LINE.main(args, EventStreamServer::fromCommandLine);
    }

    static AutoCloseable fromCommandLine(CommandLine.Values v, PrintStream out) {
        int every = v.intValue("--every-ms", 1000, 1, 3_600_000);
        Builder b = builder().port(v.intValue("--port", 8081, 0, 65535))
                .heartbeatEvery(Duration.ofSeconds(v.intValue("--heartbeat-s", 15, 1, 3600)))
                .retry(Duration.ofMillis(v.intValue("--retry-ms", 1000, 0, 3_600_000)));
        String path = v.get("--path", null);
        if (path != null) {
            b.path(path);
        }
        EventStreamServer server = b.start();
        java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "EventStreamServer-ticker");
                    t.setDaemon(true);
                    return t;
                });
        java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();
        ticker.scheduleAtFixedRate(() -> server.publish("tick", "tick " + n.incrementAndGet()), every, every,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        out.println("EventStreamServer listening on " + server.uri());
        out.println("try: curl -N " + server.uri());
        return () -> {
            ticker.shutdownNow();
            server.close();
        };
    }
}
