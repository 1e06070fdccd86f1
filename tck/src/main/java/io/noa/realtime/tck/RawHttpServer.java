package io.noa.realtime.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-socket HTTP/1.1 server on 127.0.0.1 that follows a script, one step per request, and
 * counts what it saw: requests, connections accepted, connections still open. It sees what a
 * transport really sends and notices when the client closes a connection (a read returns end of
 * stream), which the testkit servers hide. One thread per connection; test use only.
 */
final class RawHttpServer implements AutoCloseable {
    /** What to do with one request. */
    enum Step {
        /** Answer {@code 200} with a small {@code Content-Length} body and keep the connection. */
        ANSWER,
        /** Close the connection without writing a byte. */
        DROP,
        /** Write nothing and wait until the client closes the connection. */
        HOLD_HEAD,
        /** Write the head and one chunk of a chunked body, then wait until the client closes. */
        HOLD_BODY
    }

    /** The body of an {@link Step#ANSWER}. */
    static final String ANSWER_BODY = "data: ok\n\n";

    private final ServerSocket server;
    private final Queue<Step> script = new ConcurrentLinkedQueue<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final Thread acceptor;
    private final byte[] answer;

    private RawHttpServer(String answerBody, Step... steps) throws IOException {
        answer = answerBody.getBytes(StandardCharsets.UTF_8);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        script.addAll(java.util.List.of(steps));
        acceptor = new Thread(this::acceptLoop, "tck-raw-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server; request number {@code i} (over all connections) gets {@code steps[i]}, and
     * requests beyond the script are held.
     */
    static RawHttpServer start(Step... steps) throws IOException {
        return new RawHttpServer(ANSWER_BODY, steps);
    }

    /** Like {@link #start(Step...)}, answering {@link Step#ANSWER} with {@code answerBody}. */
    static RawHttpServer answering(String answerBody, Step... steps) throws IOException {
        return new RawHttpServer(answerBody, steps);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Requests whose head (and body) arrived, over all connections. */
    int requests() {
        return requests.get();
    }

    /** Connections accepted so far. */
    int connections() {
        return accepted.get();
    }

    /** Accepted connections that neither side has closed yet. */
    int openConnections() {
        return open.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.incrementAndGet();
            sockets.add(s);
            Thread t = new Thread(() -> serve(s), "tck-raw-http-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                int length = readHead(in);
                if (length < 0) {
                    return; // the client closed the connection
                }
                in.readNBytes(length);
                requests.incrementAndGet();
                Step step = script.poll();
                if (step == null) {
                    step = Step.HOLD_HEAD;
                }
                switch (step) {
                    case ANSWER:
                        byte[] body = answer;
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + body.length
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        break;
                    case DROP:
                        return;
                    case HOLD_BODY:
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "c\r\ndata: held\n\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        drainUntilClosed(in);
                        return;
                    default:
                        drainUntilClosed(in);
                        return;
                }
            }
        } catch (IOException e) {
            // the client reset the connection, or close() closed it
        } finally {
            sockets.remove(s);
            open.decrementAndGet();
        }
    }

    private static void drainUntilClosed(InputStream in) throws IOException {
        byte[] sink = new byte[1024];
        while (in.read(sink) >= 0) {
            // wait for the client to close
        }
    }

    /** Reads one request head; its Content-Length, or -1 at end of stream. */
    private static int readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            }
        }
        return length;
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        } catch (IOException e) {
            // closing a test server: nothing to do
        }
    }
}
