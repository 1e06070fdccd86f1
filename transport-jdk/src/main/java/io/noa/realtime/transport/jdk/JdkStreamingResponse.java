package io.noa.realtime.transport.jdk;

import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.StreamingResponse;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A response head from {@code HttpClient} with its streaming body. */
final class JdkStreamingResponse implements StreamingResponse {
    private final int status;
    private final Headers headers;
    private final StreamingBody body;

    JdkStreamingResponse(int status, HttpHeaders headers, StreamingBody body) {
        this.status = status;
        this.headers = toHeaders(headers);
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
        return "JdkStreamingResponse{status=" + status + ", headers=" + headers + '}';
    }

    /**
     * Copies the JDK's headers. The JDK keeps them in a case-insensitive sorted map, so the
     * original order across different names is lost; values of one name keep their order.
     */
    private static Headers toHeaders(HttpHeaders jdk) {
        Headers.Builder b = Headers.builder();
        jdk.map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                values.forEach(v -> b.add(name, v));
            }
        });
        return b.build();
    }
}
