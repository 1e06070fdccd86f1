package io.noa.realtime.transport.netty;

import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.StreamingResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A response head plus its lazily read body. */
final class NettyStreamingResponse implements StreamingResponse {
    private final int status;
    private final Headers headers;
    private final ResponseBody body;

    NettyStreamingResponse(int status, Headers headers, ResponseBody body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Flow.Publisher<ByteBuffer> body() {
        return body;
    }

    @Override
    public void close() {
        body.cancel();
    }

    @Override
    public String toString() {
        return "StreamingResponse{" + status + ", " + headers + '}';
    }
}
