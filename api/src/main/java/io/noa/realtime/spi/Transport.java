package io.noa.realtime.spi;

import java.util.concurrent.ScheduledExecutorService;

/**
 * A way to move bytes: streaming HTTP and WebSocket, plus a timer. Implementations are
 * thread-safe and shared by many clients.
 *
 * <p>A transport MUST NOT create a thread per connection or per request; it MUST use a fixed,
 * shared set of threads (an event loop group, or one shared daemon scheduler). Threads shared by
 * several transport instances MUST be counted by them: started by the first instance that needs
 * them, stopped when the last of those is {@linkplain #close() closed}, started again lazily by a
 * later instance, so that a process never waits on them. They SHOULD be daemon threads whose
 * names start with {@code "noa-" + name() + "-"} (the tck finds them by that prefix).
 *
 * <p>It owns no retry, parsing or state logic: it MUST NOT send a request again by itself, not
 * even when a reused keep-alive connection is closed before any response byte; it reports that
 * case as a retryable {@link io.noa.realtime.TransportException} that says so, and the api's
 * {@link io.noa.realtime.RetryPolicy} decides.
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
     * short and non-blocking. It belongs to the transport: {@code shutdown()},
     * {@code shutdownNow()} and {@code close()} on it MUST throw
     * {@link UnsupportedOperationException} (with a message saying to close the transport
     * instead) and leave it running; {@code isShutdown()} tells the truth. After the transport is
     * closed it MAY reject new tasks with
     * {@link java.util.concurrent.RejectedExecutionException}.
     *
     * @return the transport's scheduler
     */
    ScheduledExecutorService scheduler();

    /**
     * Releases what this transport instance owns (its idle pooled connections) and its share of
     * the shared threads: when it was the last instance using them, they stop, which also ends
     * the streams and sessions still open on them; otherwise open streams and sessions are not
     * interrupted. Afterwards new requests and connects fail (a failed future with
     * {@link IllegalStateException}). Idempotent.
     */
    @Override
    void close();
}
