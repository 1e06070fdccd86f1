package io.noa.realtime.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.noa.realtime.spi.HttpStreaming;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketConnector;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Transport} over Netty 4.2: a streaming HTTP/1.1 client with pooled keep-alive
 * connections and reads driven by subscriber demand, a WebSocket client, and TLS with
 * certificate and host name verification.
 *
 * <p>Threads: by default every instance shares one process-wide event loop group of daemon
 * threads named {@code noa-netty-…} (native epoll on Linux when
 * {@code netty-transport-native-epoll} is on the class path, NIO otherwise), and every instance
 * shares a few {@code noa-netty-dns} threads that resolve host names (they end after 5 idle
 * seconds). Both are counted by the transports that use them: the first transport starts them,
 * closing the last one stops them (connections still open on them are closed), and a transport
 * created later starts them again. So an application that closes its transports leaves no thread
 * behind. A group passed to
 * {@link Builder#eventLoopGroup(EventLoopGroup)} belongs to the caller and is never shut down; a
 * group created for {@link Builder#threads(int)} belongs to this instance and is shut down by
 * {@link #close()}. Callbacks run on event loop threads and must not block.
 *
 * <p>Re-sends: never. A request written on a reused keep-alive connection that the server closes
 * before any response byte fails with a retryable {@link io.noa.realtime.TransportException}
 * ("the reused connection was closed before any response byte; the request may not have been
 * processed"); the api's retry policy decides whether to send it again.
 *
 * <p>Thread-safe; create one and share it.
 */
public final class NettyTransport implements Transport {
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Connector connector;
    private final ConnectionPool pool;
    private final NettyHttpStreaming http;
    private final NettyWebSocketConnector webSocket;
    private final SchedulerView scheduler;
    private final boolean sharesGroup;
    private final ThreadPoolExecutor resolver;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NettyTransport(Builder b) {
        if (b.group != null) {
            group = b.group;
            ownsGroup = false;
            sharesGroup = false;
        } else if (b.threads > 0 || !b.nativeTransport) {
            group = EventLoops.newGroup(b.threads > 0 ? b.threads : EventLoops.defaultThreads(), b.nativeTransport, "noa-netty-own");
            ownsGroup = true;
            sharesGroup = false;
        } else {
            group = EventLoops.SHARED.acquire();
            ownsGroup = false;
            sharesGroup = true;
        }
        resolver = Connector.RESOLVERS.acquire();
        connector = new Connector(group, new Tls(b.options), resolver);
        pool = new ConnectionPool(connector, b.maxIdlePerHost, b.keepAlive);
        http = new NettyHttpStreaming(pool);
        webSocket = new NettyWebSocketConnector(connector, b.options.maxWebSocketMessageSize());
        scheduler = new SchedulerView(group);
    }

    /**
     * A transport with default options on the shared event loop group.
     *
     * @return a new transport
     */
    public static NettyTransport create() {
        return builder().build();
    }

    /**
     * A transport with these options on the shared event loop group.
     *
     * @param options the settings
     * @return a new transport
     */
    public static NettyTransport create(TransportOptions options) {
        return builder().options(options).build();
    }

    /**
     * A builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NettyTransportProvider.NAME;
    }

    @Override
    public HttpStreaming http() {
        return http;
    }

    @Override
    public WebSocketConnector webSocket() {
        return webSocket;
    }

    /**
     * A view of the event loop group. It belongs to the transport: {@code shutdown()},
     * {@code shutdownNow()} and {@code close()} throw {@link UnsupportedOperationException}
     * (close the transport instead). After {@link #close()} it may reject new tasks.
     *
     * @return the transport's scheduler
     */
    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Closes idle pooled connections and lets go of the threads: an event loop group this
     * instance created (see {@link Builder#threads(int)}) is shut down; the shared group and the
     * resolver threads are shut down when this was the last open transport using them. Shutting
     * a group down also ends the streams and sessions still open on it. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connector.close();
        pool.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        } else if (sharesGroup) {
            EventLoops.SHARED.release(group);
        }
        Connector.RESOLVERS.release(resolver);
    }

    /** Connections opened by this instance (HTTP and WebSocket) that are still open. */
    int openConnections() {
        return connector.openConnections();
    }

    /** Keep-alive connections waiting in the pool. */
    int idleConnections() {
        return pool.idleCount();
    }

    @Override
    public String toString() {
        return "NettyTransport{" + EventLoops.channelClass(group).getSimpleName() + (closed.get() ? ", closed" : "") + '}';
    }

    /** Builds a {@link NettyTransport}. Not thread-safe. */
    public static final class Builder {
        private EventLoopGroup group;
        private TransportOptions options = TransportOptions.defaults();
        private int threads;
        private boolean nativeTransport = true;
        private int maxIdlePerHost = 8;
        private Duration keepAlive = Duration.ofMinutes(1);

        private Builder() {}

        /**
         * Runs on the caller's event loop group (epoll or NIO), which this transport never shuts
         * down. Excludes {@link #threads(int)}.
         *
         * @param group an event loop group
         * @return this builder
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * The settings every transport honours (TLS context, WebSocket message limit).
         *
         * @param options the options
         * @return this builder
         */
        public Builder options(TransportOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Gives this transport its own event loop group with this many threads, shut down by
         * {@link NettyTransport#close()}. Without it, the process-wide shared group is used.
         *
         * @param threads at least 1
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Whether to use native epoll when available (default true). {@code false} gives this
         * transport its own NIO event loop group.
         *
         * @param enabled false to force NIO
         * @return this builder
         */
        public Builder nativeTransport(boolean enabled) {
            this.nativeTransport = enabled;
            return this;
        }

        /**
         * How many idle keep-alive connections to keep per host and port (default 8).
         *
         * @param max at least 0; 0 disables reuse
         * @return this builder
         */
        public Builder maxIdleConnectionsPerHost(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxIdleConnectionsPerHost must be >= 0, was " + max);
            }
            this.maxIdlePerHost = max;
            return this;
        }

        /**
         * How long an idle keep-alive connection stays in the pool (default 1 minute).
         *
         * @param keepAlive positive
         * @return this builder
         */
        public Builder keepAlive(Duration keepAlive) {
            Objects.requireNonNull(keepAlive, "keepAlive");
            if (keepAlive.isZero() || keepAlive.isNegative()) {
                throw new IllegalArgumentException("keepAlive must be positive, was " + keepAlive);
            }
            this.keepAlive = keepAlive;
            return this;
        }

        /**
         * Builds the transport.
         *
         * @return a new transport
         * @throws IllegalStateException if both an event loop group and a thread count were set
         */
        public NettyTransport build() {
            if (group != null && threads > 0) {
                throw new IllegalStateException("Set either eventLoopGroup or threads, not both");
            }
            return new NettyTransport(this);
        }
    }
}
