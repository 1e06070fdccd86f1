package io.noa.realtime.spi;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * An open WebSocket. Thread-safe: every method MAY be called from any thread, including from
 * inside a {@link WebSocketListener} callback, and MUST NOT block.
 *
 * <p>Sends are queued in call order; a send MAY be issued while an earlier one is still in
 * flight (the transport queues it). Each returned future completes when the frame has been
 * written to the socket, or exceptionally if the session ended first. {@link #queuedBytes()}
 * makes the queue visible so that callers can bound it.
 */
public interface WebSocketSession {
    /**
     * Sends a text message. A message whose UTF-8 form is larger than
     * {@link TransportOptions#maxWebSocketMessageSize()} is not sent: the future fails with a
     * {@link io.noa.realtime.LimitExceededException} naming {@code maxWebSocketMessageSize}, and
     * the session stays open. After a close or abort the future fails with a
     * {@link io.noa.realtime.ConnectionClosedException}.
     *
     * @param text the message
     * @return completes when written
     */
    CompletableFuture<Void> sendText(CharSequence text);

    /**
     * Sends a binary message: the bytes from {@code data}'s position to its limit, as one message.
     * Same rules as {@link #sendText}: queued in call order with every other send (text, binary,
     * ping, close), so text and binary messages reach the peer in the order they were sent;
     * counted in {@link #queuedBytes()} until written; the future completes when the message was
     * written, or exceptionally with a {@link io.noa.realtime.ConnectionClosedException} when the
     * session is closing or closed (nothing is sent).
     *
     * <p>A message larger than {@link TransportOptions#maxWebSocketMessageSize()} is not sent: the
     * future fails with a {@link io.noa.realtime.LimitExceededException} naming
     * {@code maxWebSocketMessageSize}, and the session stays open. The transport MUST NOT change
     * {@code data}'s position or limit; the caller MUST NOT change its content until the future
     * completes (a transport may write from it without copying).
     *
     * <p>The default implementation, for transports written before binary sends existed, fails
     * with {@link UnsupportedOperationException}; the transports of this project and every
     * transport that passes the tck implement it.
     *
     * @param data the message
     * @return completes when written
     */
    default CompletableFuture<Void> sendBinary(ByteBuffer data) {
        java.util.Objects.requireNonNull(data, "data");
        return CompletableFuture.failedFuture(new UnsupportedOperationException("The transport's WebSocketSession "
                + getClass().getName() + " cannot send binary messages; use a transport that implements sendBinary"
                + " (noa-realtime-transport-jdk or -netty)"));
    }

    /**
     * Sends a ping frame.
     *
     * @param data at most 125 bytes of application data
     * @return completes when written
     */
    CompletableFuture<Void> sendPing(ByteBuffer data);

    /**
     * Starts the closing handshake. The listener's terminal callback follows when the peer
     * answers (or when the transport gives up waiting and aborts). Idempotent.
     *
     * @param code a valid close status code, e.g. 1000
     * @param reason at most 123 bytes of UTF-8
     * @return completes when the close frame was written
     */
    CompletableFuture<Void> close(int code, String reason);

    /** Closes the TCP connection at once, without a closing handshake. Idempotent. */
    void abort();

    /**
     * Allows {@code n} more messages to be delivered to the listener.
     *
     * @param n positive; demand accumulates and saturates at {@code Long.MAX_VALUE}
     */
    void request(long n);

    /**
     * Bytes handed to a send method and not yet written, plus the pongs the transport queued
     * itself. A transport MUST NOT queue one pong per ping without bound: when the peer pings
     * faster than it reads, it answers only the latest ping or drops pongs while the socket is not
     * writable (RFC 6455 5.5.3 allows answering only the most recent ping).
     *
     * @return the queued byte count (an estimate for text: its UTF-16 length)
     */
    long queuedBytes();

    /**
     * Whether the session is open (no terminal callback, no close or abort yet).
     *
     * @return true while open
     */
    boolean isOpen();
}
