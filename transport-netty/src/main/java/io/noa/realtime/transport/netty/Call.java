package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.util.concurrent.CompletableFuture;

/** One {@link StreamingRequest} in flight: its result future and its retry budget. */
final class Call {
    final StreamingRequest request;
    final Endpoint endpoint;
    final CompletableFuture<StreamingResponse> result = new CompletableFuture<>();
    private final NettyHttpStreaming owner;
    private boolean retried; // touched on one event loop at a time
    private volatile HttpConnection connection;

    Call(StreamingRequest request, Endpoint endpoint, NettyHttpStreaming owner) {
        this.request = request;
        this.endpoint = endpoint;
        this.owner = owner;
    }

    /** The request failed on a reused keep-alive connection before any response: try a new one, once. */
    boolean retryOnNewConnection() {
        if (retried) {
            return false;
        }
        retried = true;
        owner.start(this, true);
        return true;
    }

    void attach(HttpConnection c) {
        connection = c;
    }

    /** The caller cancelled the result future: abort the request if it is on a connection. */
    void cancelled() {
        HttpConnection c = connection;
        if (c != null) {
            c.cancel(this);
        }
    }
}
