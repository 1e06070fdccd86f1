package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.HttpStreaming;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Streaming HTTP/1.1 over pooled Netty connections; never follows redirects. */
final class NettyHttpStreaming implements HttpStreaming {
    private final ConnectionPool pool;

    NettyHttpStreaming(ConnectionPool pool) {
        this.pool = pool;
    }

    @Override
    public CompletableFuture<StreamingResponse> send(StreamingRequest request) {
        Objects.requireNonNull(request, "request");
        if (pool.isClosed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("This NettyTransport is closed; create a new one"));
        }
        Endpoint endpoint;
        try {
            endpoint = Endpoint.of(request.uri());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        Call call = new Call(request, endpoint, this);
        call.result.whenComplete((r, e) -> {
            if (call.result.isCancelled()) {
                call.cancelled();
            }
        });
        start(call);
        return call.result;
    }

    void start(Call call) {
        pool.acquire(call.endpoint, call.request.connectTimeout()).whenComplete((conn, err) -> {
            if (err != null) {
                call.result.completeExceptionally(
                        Errors.connectFailure(call.endpoint, call.request.connectTimeout(), err));
            } else {
                conn.channel().eventLoop().execute(() -> conn.start(call));
            }
        });
    }
}
