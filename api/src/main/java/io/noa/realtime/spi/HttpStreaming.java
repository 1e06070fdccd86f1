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
     * @param request the request
     * @return the response head, with a body to subscribe
     */
    CompletableFuture<StreamingResponse> send(StreamingRequest request);
}
