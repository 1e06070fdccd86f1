package io.noa.realtime.transport.jdk;

import io.noa.realtime.spi.HttpStreaming;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketConnector;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Transport} over the JDK's own {@code java.net.http.HttpClient} and
 * {@code java.net.http.WebSocket}, with no dependency beyond the JDK.
 *
 * <p>Threads: every JDK transport in the process shares one daemon timer thread
 * ({@code noa-jdk-scheduler}, returned by {@link #scheduler()}) and one small pool of daemon
 * threads ({@code noa-jdk-http-N}, ending after a few idle seconds) that the HTTP clients use as
 * their executor. They are counted by the transports that use them: the first transport starts
 * them, closing the last one shuts them down, and a transport created later starts them again.
 * Each transport instance adds one {@code HttpClient} selector thread per distinct connect
 * timeout (usually one), which the JDK names and owns: on Java 21+ {@link #close()} shuts it
 * down; on Java 17 it ends once the client is unreachable. No thread is created per request or
 * connection. Callbacks (response bodies, WebSocket events) run on these threads and must not
 * block.
 *
 * <p>Re-sends: this transport never re-sends a request itself. {@code HttpClient} does, in one
 * case that cannot be switched off per client: when a reused keep-alive connection is closed
 * before any response byte, it sends a {@code GET} or {@code HEAD} once more on a new connection
 * (the JVM-wide {@code jdk.httpclient.enableAllMethodRetry} property would extend that to every
 * method; this transport leaves it alone). Every other method, {@code POST} included, fails with
 * a retryable {@link io.noa.realtime.TransportException} ("the connection was closed before any
 * response byte; the request may not have been processed") and the api's retry policy decides.
 *
 * <p>Thread-safe; create one and share it.
 */
public final class JdkTransport implements Transport {
    /** The provider name. */
    public static final String NAME = "jdk";

    private final TransportOptions options;
    private final HttpClients clients;
    private final JdkHttpStreaming http;
    private final JdkWebSocketConnector webSocket;
    private final SharedThreads.Threads threads;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JdkTransport(TransportOptions options) {
        this.options = options;
        this.threads = SharedThreads.acquire();
        this.clients = new HttpClients(options, threads.httpExecutor());
        this.http = new JdkHttpStreaming(clients);
        this.webSocket = new JdkWebSocketConnector(clients, options, threads.scheduler());
    }

    /**
     * A transport with the default options (the JVM's default TLS trust).
     *
     * @return a new transport
     */
    public static JdkTransport create() {
        return create(TransportOptions.defaults());
    }

    /**
     * A transport with the given options.
     *
     * @param options TLS context and WebSocket message limit
     * @return a new transport
     */
    public static JdkTransport create(TransportOptions options) {
        return new JdkTransport(Objects.requireNonNull(options, "options"));
    }

    @Override
    public String name() {
        return NAME;
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
     * The shared {@code noa-jdk-scheduler} daemon thread. It belongs to the transport:
     * {@code shutdown()}, {@code shutdownNow()} and {@code close()} throw
     * {@link UnsupportedOperationException} (close the transport instead). After {@link #close()}
     * it may reject new tasks.
     *
     * @return the shared scheduler
     */
    @Override
    public ScheduledExecutorService scheduler() {
        return threads.scheduler();
    }

    /**
     * Lets go of this transport's HTTP clients so their idle connections close, and of the
     * shared threads: when this was the last open JDK transport, they are shut down, which also
     * ends the streams and sessions still open. New requests and connects then fail with
     * {@link IllegalStateException}. On Java 17 the JDK closes idle connections once a client
     * becomes unreachable (there is no {@code HttpClient.close()} before Java 21). Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            clients.close();
            SharedThreads.release(threads);
        }
    }

    @Override
    public String toString() {
        return "JdkTransport{" + options + (closed.get() ? ", closed" : "") + '}';
    }
}
