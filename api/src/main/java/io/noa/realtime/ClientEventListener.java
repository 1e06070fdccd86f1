package io.noa.realtime;

/**
 * Metrics and tracing events of one client, in the style of OkHttp's {@code EventListener}: when
 * a connection attempt starts and ends, the response head, the first byte and the first token,
 * each event or chunk with its running count, each retry scheduled, and the end with its cause.
 * Set one on the builder ({@code SseClientOptions.Builder.eventListener},
 * {@code StreamingChat.Builder.eventListener}, {@code RealtimeOptions.Builder.eventListener});
 * the default is {@link #NONE}, which costs a call to an empty method per event.
 *
 * <!-- snippet: samples/src/main/java/io/noa/realtime/samples/MicrometerMetrics.java#listener -->
 * <pre>{@code
 * ClientEventListener metrics = new ClientEventListener() {
 *     @Override
 *     public void connectStart(String subject, int attempt) {
 *         connects.increment();
 *         startedAt.putIfAbsent(subject, System.nanoTime());
 *     }
 *
 *     @Override
 *     public void firstToken(String subject) {
 *         Long start = startedAt.get(subject);
 *         if (start != null) {
 *             firstToken.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
 *         }
 *     }
 *
 *     @Override
 *     public void eventReceived(String subject, long count) {
 *         events.increment();
 *     }
 *
 *     @Override
 *     public void retryScheduled(RetryEvent retry) {
 *         retries.increment();
 *     }
 *
 *     @Override
 *     public void end(String subject, Optional<Throwable> cause) {
 *         startedAt.remove(subject);
 *         (cause.isPresent() ? failures : completions).increment();
 *     }
 * };
 * }</pre>
 *
 * <p><b>What {@code subject} is.</b> The URL (credentials stripped) for {@code SseClient} and
 * {@code RealtimeClient}, whose events span every connection of the client; the message id
 * ({@code ChatCall.id()}) for {@code StreamingChat}, one request and its retries.
 *
 * <p><b>Order.</b> For each attempt: {@link #connectStart}, then either {@link #connectFailed}
 * or {@link #connectEnd} ({@link #responseHead} right after it on HTTP); after a successful
 * connect, {@link #firstByte} once, {@link #firstToken} once (chat only), {@link #eventReceived}
 * per event; a failed attempt that will be retried gives {@link #retryScheduled}; the run ends
 * with exactly one {@link #end}.
 *
 * <p><b>Threads.</b> Methods are called directly on the thread where the event happens
 * (mostly the transport's I/O thread), not through the client's callback executor, and may be
 * called from different threads for one client (never at the same time for one chat message or
 * one connection). They must be quick, must not block and must be thread-safe; a method that
 * throws is logged and ignored. Every method has an empty default.
 */
public interface ClientEventListener {
    /** The listener that does nothing (the default). */
    ClientEventListener NONE = new ClientEventListener() {
        @Override
        public String toString() {
            return "ClientEventListener.NONE";
        }
    };

    /**
     * The listener a client calls: forwards to {@code listener} and logs (at WARNING) and
     * swallows what it throws, so a broken metrics listener never breaks a stream.
     * {@link #NONE} is returned as is.
     *
     * @param listener the user's listener
     * @return the guarded listener
     */
    static ClientEventListener guarded(ClientEventListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        return listener == NONE ? NONE : new GuardedEventListener(listener);
    }

    /**
     * A connection attempt starts: the HTTP request is sent, or the WebSocket opening.
     *
     * @param subject the URL or the chat message id
     * @param attempt 0 for the first attempt, {@code n} for the {@code n}th retry
     */
    default void connectStart(String subject, int attempt) {}

    /**
     * The attempt connected: an HTTP response head arrived (the transport says no earlier), or
     * the WebSocket handshake (and the wire protocol's own, e.g. Socket.IO's) completed.
     *
     * @param subject the URL or the chat message id
     */
    default void connectEnd(String subject) {}

    /**
     * The attempt failed before it connected (refused, timed out, a response head with an
     * error status, a refused handshake).
     *
     * @param subject the URL or the chat message id
     * @param failure the failure
     */
    default void connectFailed(String subject, Throwable failure) {}

    /**
     * The status of the final HTTP response head (after redirects), right after
     * {@link #connectEnd}, also for an error status. HTTP clients only.
     *
     * @param subject the URL or the chat message id
     * @param status the status code
     */
    default void responseHead(String subject, int status) {}

    /**
     * The first thing read on a connection after it opened: an event, a comment or a field of
     * an event stream, an inbound WebSocket event. Once per connection.
     *
     * @param subject the URL or the chat message id
     */
    default void firstByte(String subject) {}

    /**
     * The first chunk of a chat answer that carries text (content, reasoning or refusal) or a
     * tool call. {@code StreamingChat} only; once per message.
     *
     * @param subject the chat message id
     */
    default void firstToken(String subject) {}

    /**
     * An SSE event, a chat chunk or an inbound WebSocket event arrived.
     *
     * @param subject the URL or the chat message id
     * @param count how many arrived so far for this subject (since {@code connect()} for the
     *     connection clients, since the request for a chat message), this one included
     */
    default void eventReceived(String subject, long count) {}

    /**
     * A failed attempt will be retried after {@link RetryEvent#delay()}.
     *
     * @param retry the retry
     */
    default void retryScheduled(RetryEvent retry) {}

    /**
     * The run ended: the client was disconnected or closed, or failed for good; a chat message
     * completed, was cancelled or failed. Once per {@code connect()} or per chat message.
     *
     * @param subject the URL or the chat message id
     * @param cause the failure that ended it, empty for a normal end (a completed answer, a
     *     {@code disconnect()}, a {@code close()}, a cancel)
     */
    default void end(String subject, java.util.Optional<Throwable> cause) {}
}
