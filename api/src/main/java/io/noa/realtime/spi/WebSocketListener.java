package io.noa.realtime.spi;

import java.nio.ByteBuffer;

/**
 * Receives the events of one WebSocket session.
 *
 * <p>Contract for transports:
 * <ul>
 *   <li>Calls for one session MUST be serial (never concurrent) and in arrival order; they MAY
 *       run on a transport I/O thread, so listeners MUST NOT block.</li>
 *   <li>{@link #onOpen} comes first, exactly once, after the handshake succeeded and before
 *       the connect future completes.</li>
 *   <li>{@link #onText} and {@link #onBinary} deliver whole messages (fragments aggregated) and
 *       each consumes one unit of demand ({@link WebSocketSession#request(long)}); the initial
 *       demand is zero. {@link #onPong} does not consume demand. With no demand a transport MAY
 *       stop reading the socket altogether, so pongs, close frames and errors may wait until demand
 *       returns (as with {@code java.net.http.WebSocket}). Pings from the peer are answered
 *       by the transport.</li>
 *   <li>Exactly one terminal call: {@link #onClose} when a close frame was received (or the
 *       closing handshake completed), or {@link #onError} for any other end (network error,
 *       abrupt close, message over the size limit). Nothing after it.</li>
 * </ul>
 */
public interface WebSocketListener {
    /**
     * The session is open.
     *
     * @param session the session
     */
    default void onOpen(WebSocketSession session) {}

    /**
     * A whole text message.
     *
     * @param session the session
     * @param text the message; valid after the call returns
     */
    void onText(WebSocketSession session, CharSequence text);

    /**
     * A whole binary message.
     *
     * @param session the session
     * @param data valid only until this method returns
     */
    default void onBinary(WebSocketSession session, ByteBuffer data) {}

    /**
     * A pong frame.
     *
     * @param session the session
     * @param data the application data; valid only until this method returns
     */
    default void onPong(WebSocketSession session, ByteBuffer data) {}

    /**
     * Terminal: the peer sent a close frame.
     *
     * @param session the session
     * @param code the close status code (1005 when the frame had none)
     * @param reason the close reason, possibly empty
     */
    void onClose(WebSocketSession session, int code, String reason);

    /**
     * Terminal: the session ended abnormally.
     *
     * @param session the session
     * @param error a {@link io.noa.realtime.TransportException} or another
     *     {@link io.noa.realtime.RealtimeException}
     */
    void onError(WebSocketSession session, Throwable error);
}
