package io.noa.realtime.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP/1.1 server on a loopback {@link ServerSocket} that can hold a response head back
 * and that sees, on its own side, when a client closes a connection (its read returns EOF or
 * the connection is reset). The cancel contracts assert on that server-side view.
 *
 * <p>Each request takes the next queued {@link Reply}; with none queued the head is held until
 * {@link #release()}. One thread per connection: a test tool, not a server.
 */
final class HeadHoldingServer implements AutoCloseable {
    private static final int POLL_MILLIS = 20;
    private static final int MAX_HEAD = 64 * 1024;

    /** One scripted answer. */
    static final class Reply {
        final boolean holdHead;
        final String head;
        final String body;
        final boolean keepOpen;

        private Reply(boolean holdHead, String head, String body, boolean keepOpen) {
            this.holdHead = holdHead;
            this.head = head;
            this.body = body;
            this.keepOpen = keepOpen;
        }

        /**
         * A 200 {@code text/event-stream} head, then {@code events} as one chunk, then a body that
         * never ends.
         */
        static Reply openStream(boolean holdHead, String events) {
            return new Reply(holdHead, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n", events.isEmpty() ? "" : chunk(events), true);
        }

        /** A complete 200 {@code text/event-stream} response; the connection stays usable. */
        static Reply completeStream(String events) {
            return new Reply(false, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n", chunk(events) + "0\r\n\r\n", false);
        }

        /** A redirect to {@code location}, complete; the connection stays usable. */
        static Reply redirect(int status, String location) {
            return new Reply(false, "HTTP/1.1 " + status + " Redirect\r\nLocation: " + location
                    + "\r\nContent-Length: 0\r\n\r\n", "", false);
        }

        private static String chunk(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return Integer.toHexString(bytes.length) + "\r\n" + text + "\r\n";
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger openWithRequest = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private volatile boolean closed;

    private HeadHoldingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "head-holding-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static HeadHoldingServer start() {
        try {
            return new HeadHoldingServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1", e);
        }
    }

    HeadHoldingServer enqueue(Reply reply) {
        replies.add(reply);
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** Lets every held head (now and later) go out. */
    void release() {
        release.countDown();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Connections accepted and not (yet) closed by the client. */
    int openConnections() {
        return accepted.get() - closedByClient.get();
    }

    /** Connections not closed by the client that carried at least one request. */
    int openConnectionsThatCarriedARequest() {
        return openWithRequest.get();
    }

    /** Requests whose head is being held right now. */
    int heldHeads() {
        return held.get();
    }

    /** The request lines received, in order. */
    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    @Override
    public void close() {
        closed = true;
        release.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(s);
            Thread t = new Thread(() -> serve(s), "head-holding-conn-" + s.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Serves requests on one connection until the client closes it. */
    private void serve(Socket s) {
        boolean[] carried = new boolean[1];
        try {
            serve(s, carried);
        } finally {
            if (carried[0]) {
                openWithRequest.decrementAndGet();
            }
        }
    }

    private void serve(Socket s, boolean[] carried) {
        try (s) {
            s.setSoTimeout(POLL_MILLIS);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                if (!readRequest(in)) {
                    break; // EOF: the client closed the connection
                }
                if (!carried[0]) {
                    carried[0] = true;
                    openWithRequest.incrementAndGet();
                }
                Reply r = replies.poll();
                if (r == null) {
                    r = Reply.openStream(true, "");
                }
                if (r.holdHead && !holdUntilReleased(in)) {
                    break;
                }
                out.write((r.head + r.body).getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (r.keepOpen) {
                    readUntilEof(in);
                    break;
                }
            }
            closedByClient.incrementAndGet();
        } catch (IOException e) {
            if (!closed) {
                closedByClient.incrementAndGet(); // reset by the client
            }
        }
    }

    /** Reads one request (head and a Content-Length body); false on EOF before a request. */
    private boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = read(in);
            if (b < 0) {
                return false;
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head too large");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        requestLines.add(text.substring(0, text.indexOf('\r')));
        long length = 0;
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        for (long i = 0; i < length; i++) {
            if (read(in) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Waits for {@link #release()}; false if the client closed the connection meanwhile. */
    private boolean holdUntilReleased(InputStream in) throws IOException {
        held.incrementAndGet();
        try {
            while (release.getCount() > 0) {
                try {
                    if (in.read() < 0) {
                        return false;
                    }
                } catch (SocketTimeoutException e) {
                    // still held
                }
            }
            return !closed;
        } finally {
            held.decrementAndGet();
        }
    }

    private void readUntilEof(InputStream in) throws IOException {
        while (read(in) >= 0) {
            // discard
        }
    }

    /** One byte, waiting across read timeouts; -1 at EOF or when the server closes. */
    private int read(InputStream in) throws IOException {
        while (!closed) {
            try {
                return in.read();
            } catch (SocketTimeoutException e) {
                // poll again
            }
        }
        throw new SocketException("server closed");
    }
}
