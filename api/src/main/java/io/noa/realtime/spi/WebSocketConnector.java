package io.noa.realtime.spi;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens WebSocket connections.
 */
public interface WebSocketConnector {
    /**
     * Opens a WebSocket. The future completes after {@link WebSocketListener#onOpen} has been
     * called. It MUST complete exceptionally with {@link io.noa.realtime.HandshakeException}
     * (carrying the HTTP status) when the server refuses the upgrade, with
     * {@link io.noa.realtime.ConnectTimeoutException} when the handshake does not finish within
     * {@code timeout}, and with {@link io.noa.realtime.TransportException} for network failures;
     * in those cases the listener receives no callback at all. The calling thread MUST NOT block.
     * Connect failures use the same message shape as {@link HttpStreaming#send}.
     *
     * <p>Bad arguments: a {@code null} argument throws {@link NullPointerException}; any other
     * invalid argument (a scheme other than {@code ws}/{@code wss}, a non-positive timeout, a
     * header the transport cannot send) gives a future failed with
     * {@link IllegalArgumentException}, never a synchronous throw. A closed transport gives a
     * future failed with {@link IllegalStateException}.
     *
     * @param uri a {@code ws} or {@code wss} URI
     * @param headers extra headers for the upgrade request
     * @param timeout the time allowed for TCP, TLS and the upgrade handshake together
     * @param listener receives the session's events
     * @return the open session
     */
    CompletableFuture<WebSocketSession> connect(URI uri, Headers headers, Duration timeout, WebSocketListener listener);
}
