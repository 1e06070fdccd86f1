package io.noa.realtime.benchmarks.sse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The upper bound: a plain blocking {@link Socket} that sends a GET and counts the blank lines
 * ({@code "\n\n"}) of the answer, eight bytes at a time, until the server closes. No HTTP chunk
 * decoding, no strings: the server's chunks hold whole events, so chunk framing ({@code "\r\n"})
 * never forms a {@code "\n\n"}.
 */
final class RawSocketClient extends BenchClient {
    private static final byte[] STATUS_OK = "HTTP/1.1 200".getBytes(StandardCharsets.US_ASCII);

    private final URI uri;
    private final byte[] buffer = new byte[256 * 1024];

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
            LfPairs pairs = new LfPairs();
            int head = 0; // status bytes checked so far
            int n;
            while ((n = in.read(buf)) > 0) {
                int i = 0;
                while (head < STATUS_OK.length && i < n) {
                    if (buf[i++] != STATUS_OK[head++]) {
                        throw new IllegalStateException(name + ": the server did not answer 200");
                    }
                }
                pairs.count(buf, i, n);
            }
            long events = pairs.pairs;
            checkCount("events", events, expected.sseEvents());
        }
    }

    /** Counts {@code "\n\n"} in bytes that arrive in pieces, a word at a time. */
    static final class LfPairs {
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
        private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;

        long pairs;
        private boolean afterLf; // the last byte counted was LF

        void count(byte[] a, int from, int to) {
            int i = from;
            long found = 0;
            for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
                long v = (long) LONGS.get(a, i) ^ LFS;
                // exactly the high bit of every byte of v that is zero, i.e. of every LF
                long lf = ~(((v & LOWS) + LOWS) | v | LOWS);
                found += Long.bitCount(lf & (lf >>> 8));
                if (afterLf && (lf & 0x80) != 0) {
                    found++;
                }
                afterLf = lf < 0;
            }
            for (; i < to; i++) {
                boolean isLf = a[i] == '\n';
                if (isLf && afterLf) {
                    found++;
                }
                afterLf = isLf;
            }
            pairs += found;
        }
    }
}
