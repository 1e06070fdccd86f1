package io.noa.realtime.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that misbehaves on purpose, written the way an attacker or a broken proxy
 * would: plain blocking sockets, no HTTP library, so nothing polite happens by accident. Use it to
 * check that your client (or ours) keeps its limits, deadlines and secrets when the other side does
 * not play along.
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#hostile-server -->
 * <pre>{@code
 * try (HostileServer server = HostileServer.start(HostileServer.neverAnswers());
 *         StreamingChat chat = StreamingChat.builder(server.uri("/v1/chat/completions")).model("m").build()) {
 *     ChatCall call = chat.send(HELLO);
 *     assertThatThrownBy(() -> call.result().get(300, TimeUnit.MILLISECONDS))   // no answer: a timeout
 *             .isInstanceOf(TimeoutException.class);
 *     call.cancel();
 *     assertThat(server.awaitAllClosed(Duration.ofSeconds(5))).isTrue();   // the client let go of every socket
 * }
 * }</pre>
 *
 * <p>Every accepted connection runs one {@link Behavior} on its own daemon thread named
 * {@code noa-testkit-hostile-*}; at most {@link #MAX_CONNECTIONS} run at once (more are closed
 * at accept). The server records each request head it read (bounded), counts connections, and
 * knows which are still open, which is how a test sees a leaked socket from the server's side.
 * Behaviours stop when the client closes, or when the server is closed. Thread-safe.
 */
public final class HostileServer implements AutoCloseable {
    /** Most connections served at once. */
    public static final int MAX_CONNECTIONS = 256;
    /** Most bytes of one request head read (and recorded). */
    public static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_RECORDED_HEADS = 1024;
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Behavior {
        /**
         * Runs on the connection's own thread; return or throw to close the connection.
         *
         * @param conn the connection
         * @throws IOException when the client goes away (ends the behaviour quietly)
         * @throws InterruptedException when the server is closed
         */
        void serve(Connection conn) throws IOException, InterruptedException;
    }

    /** One accepted connection, as a {@link Behavior} sees it. */
    public static final class Connection {
        private final HostileServer server;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final int index;

        private Connection(HostileServer server, Socket socket, int index) throws IOException {
            this.server = server;
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.index = index;
        }

        /**
         * Which connection this is, counting from 0 in accept order (for behaviours that answer
         * the first connection differently from the next).
         *
         * @return the index
         */
        public int index() {
            return index;
        }

        /**
         * Reads one request head (up to the blank line, at most {@link #MAX_HEAD_BYTES}) and records
         * it in {@link #requestHeads()}. The body, if any, is not read.
         *
         * @return the head as ISO-8859-1 text, without the final blank line
         * @throws IOException when the client closes first or the head is too long
         */
        public String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last4 = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("client closed before the end of its request head");
                }
                head.write(b);
                if (head.size() > MAX_HEAD_BYTES) {
                    throw new IOException("request head longer than " + MAX_HEAD_BYTES + " bytes");
                }
                last4 = (last4 << 8) | b;
                if (last4 == 0x0D0A0D0A) {
                    String text = head.toString(StandardCharsets.ISO_8859_1);
                    text = text.substring(0, text.length() - 4);
                    server.record(text);
                    return text;
                }
            }
        }

        /**
         * Reads the request body announced by the head's {@code Content-Length} (none: empty), at
         * most {@link #MAX_HEAD_BYTES} bytes, so that closing the connection afterwards does not
         * reset it under the client's feet.
         *
         * @param head the request head read with {@link #readHead()}
         * @return the body bytes
         * @throws IOException when the client closes first or the body is too long
         */
        public byte[] readBody(String head) throws IOException {
            int length = header(head, "Content-Length").map(Integer::parseInt).orElse(0);
            if (length > MAX_HEAD_BYTES) {
                throw new IOException("request body longer than " + MAX_HEAD_BYTES + " bytes");
            }
            byte[] body = new byte[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    throw new IOException("client closed before the end of its request body");
                }
                read += n;
            }
            return body;
        }

        /**
         * Writes text (ISO-8859-1) and flushes it as one write.
         *
         * @param text the bytes to send, as text
         * @throws IOException when the client has gone
         */
        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /**
         * Writes bytes and flushes them.
         *
         * @param bytes the bytes
         * @throws IOException when the client has gone
         */
        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /**
         * Writes text one byte at a time with a pause after each.
         *
         * @param text the text
         * @param pause the pause after each byte
         * @throws IOException when the client has gone
         * @throws InterruptedException when the server is closed
         */
        public void trickle(String text, Duration pause) throws IOException, InterruptedException {
            for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
                Thread.sleep(pause.toMillis());
            }
        }

        /**
         * Waits until the client closes the connection, throwing away anything it sends.
         *
         * @throws IOException on a read error (a reset counts as closed)
         */
        public void drainUntilClosed() throws IOException {
            byte[] sink = new byte[8192];
            try {
                while (in.read(sink) >= 0) {
                    // discard
                }
            } catch (SocketException reset) {
                // the client reset the connection: closed as well
            }
        }

        /**
         * Answers a WebSocket upgrade request with {@code 101 Switching Protocols}.
         *
         * @param head the request head read with {@link #readHead()}
         * @throws IOException when the head has no {@code Sec-WebSocket-Key} or the client is gone
         */
        public void acceptWebSocket(String head) throws IOException {
            String key = header(head, "Sec-WebSocket-Key")
                    .orElseThrow(() -> new IOException("not a WebSocket upgrade: no Sec-WebSocket-Key"));
            write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n");
        }

        /** The underlying socket, for behaviours that need socket options. */
        Socket socket() {
            return socket;
        }
    }

    private final ServerSocket listener;
    private final Behavior behavior;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger threads = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HostileServer(Behavior behavior) throws IOException {
        this.behavior = behavior;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        this.acceptor = new Thread(this::acceptLoop, "noa-testkit-hostile-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server on an ephemeral loopback port.
     *
     * @param behavior what to do with every connection
     * @return the running server
     */
    public static HostileServer start(Behavior behavior) {
        Objects.requireNonNull(behavior, "behavior");
        try {
            return new HostileServer(behavior);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind a loopback port: " + e.getMessage(), e);
        }
    }

    /**
     * The port the server listens on (127.0.0.1).
     *
     * @return the port
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * An {@code http://127.0.0.1:port} URL with the given path.
     *
     * @param path the path, starting with {@code /}
     * @return the URL
     */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /**
     * A {@code ws://127.0.0.1:port} URL with the given path.
     *
     * @param path the path, starting with {@code /}
     * @return the URL
     */
    public URI wsUri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /**
     * How many connections were accepted so far.
     *
     * @return the count
     */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /**
     * How many accepted connections are still open from the server's side (the client has not
     * closed them and the behaviour has not ended).
     *
     * @return the count
     */
    public int connectionsOpen() {
        return open.size();
    }

    /**
     * The request heads read so far, in order (at most 1,024 kept).
     *
     * @return a snapshot
     */
    public List<String> requestHeads() {
        return List.copyOf(heads);
    }

    /**
     * Waits until no accepted connection is open any more.
     *
     * @param timeout how long to wait
     * @return {@code true} if all were closed in time
     * @throws InterruptedException if interrupted
     */
    public boolean awaitAllClosed(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!open.isEmpty()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Stops accepting, closes every connection and ends every behaviour. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        acceptor.interrupt();
    }

    @Override
    public String toString() {
        return "HostileServer[port=" + port() + ", accepted=" + accepted.get() + ", open=" + open.size() + "]";
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            int index = accepted.getAndIncrement();
            if (threads.incrementAndGet() > MAX_CONNECTIONS) {
                threads.decrementAndGet();
                closeQuietly(s);
                continue;
            }
            open.add(s);
            Thread t = new Thread(() -> serve(s, index), "noa-testkit-hostile-" + port() + "-" + index);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s, int index) {
        try {
            s.setTcpNoDelay(true);
            behavior.serve(new Connection(this, s, index));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away, the server closed, or the behaviour gave up: close quietly
        } finally {
            closeQuietly(s);
            open.remove(s);
            threads.decrementAndGet();
        }
    }

    private void record(String head) {
        if (heads.size() < MAX_RECORDED_HEADS) {
            heads.add(head);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /**
     * The value of a header in a recorded request head, case-insensitively.
     *
     * @param head a head from {@link #requestHeads()}
     * @param name the header name
     * @return its first value
     */
    public static Optional<String> header(String head, String name) {
        String want = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(want)) {
                return Optional.of(line.substring(want.length()).trim());
            }
        }
        return Optional.empty();
    }

    static String acceptKey(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    // ---- the usual hostile behaviours ----

    /**
     * Accepts, reads the request head, and never answers (until the client closes).
     *
     * @return the behaviour
     */
    public static Behavior neverAnswers() {
        return conn -> {
            conn.readHead();
            conn.drainUntilClosed();
        };
    }

    /**
     * Sends a valid response head one byte at a time, {@code pause} apart, and then nothing.
     *
     * @param contentType the Content-Type of the head
     * @param pause the pause after each byte
     * @return the behaviour
     */
    public static Behavior trickleHead(String contentType, Duration pause) {
        return conn -> {
            conn.readHead();
            conn.trickle("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nCache-Control: no-cache\r\n\r\n", pause);
            conn.drainUntilClosed();
        };
    }

    /**
     * Sends a chunked {@code 200} head with the given Content-Type, then goes silent (until the
     * client closes).
     *
     * @param contentType the Content-Type
     * @return the behaviour
     */
    public static Behavior silentAfterHead(String contentType) {
        return conn -> {
            conn.readHead();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            conn.drainUntilClosed();
        };
    }

    /**
     * Sends {@code 200 OK} and then one header line that never ends (an {@code X-Endless} value
     * growing by 1 KiB per write), until the client closes or {@code maxBytes} were sent.
     *
     * @param maxBytes where the server gives up
     * @return the behaviour
     */
    public static Behavior endlessHeader(long maxBytes) {
        return conn -> {
            conn.readHead();
            conn.write("HTTP/1.1 200 OK\r\nX-Endless: ");
            endless(conn, maxBytes);
        };
    }

    /**
     * Sends a valid event-stream head and then one {@code data:} line that never ends, until the
     * client closes or {@code maxBytes} were sent.
     *
     * @param maxBytes where the server gives up
     * @return the behaviour
     */
    public static Behavior endlessLine(long maxBytes) {
        return conn -> {
            conn.readHead();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: ");
            endless(conn, maxBytes);
        };
    }

    private static void endless(Connection conn, long maxBytes) throws IOException {
        byte[] kib = new byte[1024];
        Arrays.fill(kib, (byte) 'a');
        for (long sent = 0; sent < maxBytes; sent += kib.length) {
            conn.write(kib);
        }
        conn.drainUntilClosed();
    }

    /**
     * Answers every request with a redirect to {@code location} (after reading the request body,
     * so that the client sees the answer rather than a reset).
     *
     * @param status 301, 302, 303, 307 or 308
     * @param location the Location header's value
     * @return the behaviour
     */
    public static Behavior redirect(int status, String location) {
        return conn -> {
            conn.readBody(conn.readHead());
            conn.write("HTTP/1.1 " + status + " Redirect\r\nLocation: " + location
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        };
    }

    /**
     * Answers {@code 401} with a JSON error body that echoes the whole request head back (as a
     * careless server or proxy does), so credentials come back in the body. The request body is
     * read first (and not echoed).
     *
     * @return the behaviour
     */
    public static Behavior echoing401() {
        return conn -> {
            String head = conn.readHead();
            conn.readBody(head);
            String escaped = head.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r\n", "\\n");
            byte[] body = ("{\"error\":{\"message\":\"unauthorized request: " + escaped
                    + "\",\"type\":\"invalid_request_error\"}}").getBytes(StandardCharsets.UTF_8);
            conn.write("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n");
            conn.write(body);
        };
    }

    /**
     * Answers {@code 200 text/event-stream} and sends one chat error event whose message echoes
     * the whole request head back (as a careless proxy does inside a stream), then closes: the
     * credentials come back inside a 2xx stream. The request body is read first (and not echoed).
     *
     * @return the behaviour
     */
    public static Behavior echoingErrorEvent() {
        return conn -> {
            String head = conn.readHead();
            conn.readBody(head);
            String escaped = head.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r\n", "\\n");
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                    + "data: {\"error\":{\"message\":\"upstream rejected: " + escaped
                    + "\",\"type\":\"invalid_request_error\",\"code\":\"" + escaped + "\"}}\n\n");
        };
    }

    /**
     * An event stream that sets {@code retry: 0}, sends one event, and closes: a reconnect storm
     * for a client without a floor on its delay.
     *
     * @return the behaviour
     */
    public static Behavior retryZeroThenClose() {
        return conn -> {
            conn.readHead();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                    + "retry: 0\n\ndata: hello\n\n");
        };
    }

    /**
     * Answers {@code 503} with {@code Retry-After: 0}, every time.
     *
     * @return the behaviour
     */
    public static Behavior unavailableRetryAfterZero() {
        return conn -> {
            conn.readHead();
            conn.write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n");
        };
    }

    /**
     * Accepts a WebSocket upgrade, then sends pings as fast as the socket takes them and never
     * reads (so the client's pongs pile up on its side), until {@code maxPings} or the client
     * closes.
     *
     * @param maxPings where the server gives up
     * @return the behaviour
     */
    public static Behavior webSocketPingFlood(int maxPings) {
        return conn -> {
            conn.acceptWebSocket(conn.readHead());
            byte[] pings = new byte[2 * 512];
            for (int i = 0; i < pings.length; i += 2) {
                pings[i] = (byte) 0x89;
                pings[i + 1] = 0;
            }
            for (int sent = 0; sent < maxPings; sent += 512) {
                conn.write(pings);
            }
            conn.drainUntilClosed();
        };
    }

    /**
     * Accepts a WebSocket upgrade and sends the head of one text frame that claims
     * {@code declaredLength} bytes, then streams filler until the client closes (or the whole
     * length was sent).
     *
     * @param declaredLength the payload length in the frame header
     * @return the behaviour
     */
    public static Behavior webSocketGiantFrame(long declaredLength) {
        return conn -> {
            conn.acceptWebSocket(conn.readHead());
            byte[] header = new byte[10];
            header[0] = (byte) 0x81;
            header[1] = 127;
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) (declaredLength >>> (56 - 8 * i));
            }
            conn.write(header);
            byte[] filler = new byte[64 * 1024];
            Arrays.fill(filler, (byte) 'x');
            for (long sent = 0; sent < declaredLength; sent += filler.length) {
                conn.write(filler);
            }
            conn.drainUntilClosed();
        };
    }

    /**
     * Runs behaviours in turn: connection {@code i} gets {@code behaviors[min(i, n-1)]}.
     *
     * @param behaviors one per connection, the last one for every later connection
     * @return the behaviour
     */
    public static Behavior sequence(Behavior... behaviors) {
        List<Behavior> list = new ArrayList<>(List.of(behaviors));
        if (list.isEmpty()) {
            throw new IllegalArgumentException("sequence needs at least one behavior");
        }
        return conn -> list.get(Math.min(conn.index(), list.size() - 1)).serve(conn);
    }
}
