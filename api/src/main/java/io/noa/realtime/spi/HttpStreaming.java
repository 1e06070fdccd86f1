package io.noa.realtime.spi;

import java.util.concurrent.CompletableFuture;

/**
 * Sends HTTP requests whose responses are streamed (SSE, chat completions).
 */
public interface HttpStreaming {
    /**
     * Sends a request. The future completes when the response head (status and headers) has
     * arrived, whatever the status; the body is read later, on demand.
     *
     * <p>The transport MUST NOT block the calling thread. The future MUST complete exceptionally
     * with {@link io.noa.realtime.ConnectTimeoutException} when the connection is not
     * established within the request's connect timeout, and with
     * {@link io.noa.realtime.TransportException} for any other network failure before the
     * response head. Cancelling the future (or calling {@code cancel(true)}) MUST abort the
     * request and release its connection; if the response arrives after that, the transport
     * MUST close it itself.
     *
     * <p>Failures before the response head carry a message with the redacted URL (see
     * {@link Redact#url(java.net.URI)}), what happened and what to check, in the same words on
     * every transport: "Connection refused by host:port (…); check that the server is running and
     * the port is right", "Unknown host … ; check the host name in the URL and the DNS settings",
     * "TLS handshake with … failed (…); check the server certificate and host name, or set
     * TransportOptions.sslContext". A request written on a connection that the server closes
     * before any response byte fails with a retryable {@link io.noa.realtime.TransportException}
     * ("… was closed before any response byte; the request may not have been processed"); the
     * transport MUST NOT send it again by itself.
     *
     * <p>Bad arguments: a {@code null} request throws {@link NullPointerException}; any other
     * invalid argument gives a future failed with {@link IllegalArgumentException}, never a
     * synchronous throw. A closed transport gives a future failed with
     * {@link IllegalStateException}.
     *
     * @param request the request
     * @return the response head, with a body to subscribe
     */
    CompletableFuture<StreamingResponse> send(StreamingRequest request);
}
