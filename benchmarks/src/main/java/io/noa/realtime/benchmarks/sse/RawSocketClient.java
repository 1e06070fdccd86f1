package io.noa.realtime.benchmarks.sse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The upper bound: a plain blocking {@link Socket} that sends a GET and counts the blank lines
 * ({@code "\n\n"}) of the answer until the server closes. No HTTP chunk decoding, no strings: the
 * server's chunks hold whole events, so chunk framing ({@code "\r\n"}) never forms a
 * {@code "\n\n"}.
 */
final class RawSocketClient extends BenchClient {
    private static final byte[] STATUS_OK = "HTTP/1.1 200".getBytes(StandardCharsets.US_ASCII);

    private final URI uri;
    private final byte[] buffer = new byte[64 * 1024];

    RawSocketClient(URI uri) {
        super("raw", "raw socket", Kind.BOUND, false);
        this.uri = uri;
    }

    @Override
    void run(Expected expected) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = buffer;
            long events = 0;
            int head = 0; // status bytes checked so far
            boolean afterLf = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                int i = 0;
                while (head < STATUS_OK.length && i < n) {
                    if (buf[i++] != STATUS_OK[head++]) {
                        throw new IllegalStateException(name + ": the server did not answer 200");
                    }
                }
                for (; i < n; i++) {
                    if (buf[i] == '\n') {
                        if (afterLf) {
                            events++;
                        }
                        afterLf = true;
                    } else {
                        afterLf = false;
                    }
                }
            }
            checkCount("events", events, expected.sseEvents());
        }
    }
}
