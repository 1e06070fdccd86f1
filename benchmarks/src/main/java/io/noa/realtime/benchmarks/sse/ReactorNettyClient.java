package io.noa.realtime.benchmarks.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Peer: Reactor Netty's {@link HttpClient} without Spring. Reactor Netty has no SSE decoder (that
 * lives in Spring WebFlux), so this is what a user writes: the body's {@code ByteBuf}s split into
 * lines, {@code data:} lines joined, a blank line dispatches the data as a String. "Full" also
 * parses each chunk with Jackson and appends its content.
 */
final class ReactorNettyClient extends BenchClient {
    private final String url;
    private final HttpClient client;

    ReactorNettyClient(URI uri, HttpClient client, boolean full) {
        super(full ? "reactor-full" : "reactor", full ? "reactor-netty + Jackson" : "reactor-netty",
                full ? Kind.FULL : Kind.PARSE, false);
        this.url = uri.toString();
        this.client = client;
    }

    @Override
    void run(Expected expected) {
        boolean full = kind == Kind.FULL;
        StringBuilder content = new StringBuilder();
        long[] count = {0};
        DataLines lines = new DataLines(data -> {
            count[0]++;
            if (full && !"[DONE]".equals(data)) {
                JacksonContent.append(data, content);
            }
        });
        client.headers(h -> h.set("Accept", "text/event-stream"))
                .get()
                .uri(url)
                .response((response, body) -> response.status().code() != 200
                        ? Mono.error(new IllegalStateException(name + ": HTTP " + response.status()))
                        : body.doOnNext(lines::feed).then())
                .then()
                .block(Duration.ofMinutes(5));
        checkCount("events", count[0], expected.sseEvents());
        if (full) {
            checkContent(content.toString(), expected);
        }
    }

    /** A minimal SSE reader for {@code data:} lines, fed {@code ByteBuf}s split anywhere. */
    static final class DataLines {
        private final Consumer<String> events;
        private byte[] partial = new byte[256];
        private int partialLen;
        private String data;

        DataLines(Consumer<String> events) {
            this.events = events;
        }

        void feed(ByteBuf buf) {
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end) {
                int lf = buf.indexOf(i, end, (byte) '\n');
                if (lf < 0) {
                    keep(buf, i, end - i);
                    return;
                }
                if (partialLen == 0) {
                    line(buf, i, lf - i);
                } else {
                    keep(buf, i, lf - i);
                    ByteBuf joined = Unpooled.wrappedBuffer(partial, 0, partialLen);
                    partialLen = 0;
                    line(joined, 0, joined.readableBytes());
                }
                i = lf + 1;
            }
        }

        private void keep(ByteBuf buf, int from, int n) {
            if (partialLen + n > partial.length) {
                partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLen + n));
            }
            buf.getBytes(from, partial, partialLen, n);
            partialLen += n;
        }

        private void line(ByteBuf buf, int from, int n) {
            if (n > 0 && buf.getByte(from + n - 1) == '\r') {
                n--;
            }
            if (n == 0) {
                if (data != null) {
                    String d = data;
                    data = null;
                    events.accept(d);
                }
                return;
            }
            if (n >= 5 && buf.getByte(from) == 'd' && buf.getByte(from + 1) == 'a' && buf.getByte(from + 2) == 't'
                    && buf.getByte(from + 3) == 'a' && buf.getByte(from + 4) == ':') {
                int v = from + 5;
                if (v < from + n && buf.getByte(v) == ' ') {
                    v++;
                }
                String value = buf.toString(v, from + n - v, StandardCharsets.UTF_8);
                data = data == null ? value : data + "\n" + value;
            }
        }
    }
}
