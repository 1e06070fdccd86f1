package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link StreamingRequest} in flight and its result future. A call is written to the network
 * at most once: the transport never re-sends a request (the api's retry policy decides).
 */
final class Call {
    final StreamingRequest request;
    final Endpoint endpoint;
    final CompletableFuture<StreamingResponse> result = new CompletableFuture<>();
    private final NettyHttpStreaming owner;
    private volatile HttpConnection connection;

    Call(StreamingRequest request, Endpoint endpoint, NettyHttpStreaming owner) {
        this.request = request;
        this.endpoint = endpoint;
        this.owner = owner;
    }

    /**
     * The idle connection picked for this call closed before the request was written (nothing was
     * sent): pick another one. Not a retry: the request has not left this process.
     */
    void reacquire() {
        owner.start(this);
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
