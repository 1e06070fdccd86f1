package io.noa.realtime.spi;

import java.util.concurrent.ScheduledExecutorService;

/**
 * A way to move bytes: streaming HTTP and WebSocket, plus a timer. Implementations are
 * thread-safe and shared by many clients.
 *
 * <p>A transport MUST NOT create a thread per connection or per request; it MUST use a fixed,
 * shared set of threads (an event loop group, or one shared daemon scheduler). It owns no retry,
 * parsing or state logic.
 */
public interface Transport extends AutoCloseable {
    /**
     * The provider name, e.g. {@code "netty"} or {@code "jdk"}.
     *
     * @return the name
     */
    String name();

    /**
     * Streaming HTTP.
     *
     * @return the HTTP side of this transport
     */
    HttpStreaming http();

    /**
     * WebSocket.
     *
     * @return the WebSocket side of this transport
     */
    WebSocketConnector webSocket();

    /**
     * The timer for backoff delays, idle timeouts, heartbeats and ack timeouts. Tasks MUST be
     * short and non-blocking. Callers MUST NOT shut it down; it lives as long as the transport's
     * shared resources.
     *
     * @return a shared scheduler
     */
    ScheduledExecutorService scheduler();

    /**
     * Releases what this transport instance owns (its idle pooled connections); shared threads
     * are daemon threads and stay for other instances. Open streams and sessions are not
     * interrupted. Idempotent.
     */
    @Override
    void close();
}
