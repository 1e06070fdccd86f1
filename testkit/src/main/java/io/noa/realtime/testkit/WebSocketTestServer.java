package io.noa.realtime.testkit;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.PongFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

/**
 * A plain WebSocket server for transport tests, built on Java-WebSocket (a stack independent of
 * the SDK's transports): echoes text and binary messages by default, records what clients send,
 * and can refuse upgrades with any status, send text and binary (also fragmented) messages, pings
 * and bursts, and close politely or abruptly.
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#websocket-test-server -->
 * <pre>{@code
 * try (WebSocketTestServer server = WebSocketTestServer.start()) {
 *     WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
 *             .buildAsync(server.uri(), new WebSocket.Listener() {}).get(5, TimeUnit.SECONDS);
 *     server.awaitOpenConnections(1, Duration.ofSeconds(5));   // before sending from the server
 *     server.sendText("hi");
 *     client.sendText("what the client sent", true);
 *     assertThat(server.takeText(Duration.ofSeconds(5))).isEqualTo("what the client sent");
 *     client.abort();
 * }
 * }</pre>
 *
 * <p>Java-WebSocket registers a connection slightly after the client has seen the 101 answer,
 * so call {@link #awaitOpenConnections(int, Duration)} before sending from the server. The
 * server listens on {@code 127.0.0.1} with {@code TCP_NODELAY}, uses Java-WebSocket's daemon
 * threads, sends no automatic pings, and is thread-safe.
 */
public final class WebSocketTestServer implements AutoCloseable {
    private final Impl impl;
    private final boolean tls;
    private final Set<WebSocket> open = ConcurrentHashMap.newKeySet();
    private final Set<WebSocket> closeSent = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Map<String, String>> handshakeHeaders = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<String> handshakePaths = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Object> receivedMessages = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> untaken = new LinkedBlockingQueue<>();
    private final CopyOnWriteArrayList<Integer> closeCodes = new CopyOnWriteArrayList<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger pongs = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean echo;
    private volatile int refuseStatus;
    /**
     * Writes frames from the sending thread (see {@code DirectWrites}: Java-WebSocket 1.6.0 can
     * leave a frame sent from a worker or test thread queued until the next send). With TLS the
     * library's channel is kept and these writes fall back to its own send path.
     */
    private final DirectWrites writes = new DirectWrites("WebSocketTestServer-writer");

    private WebSocketTestServer(Builder b) {
        this.echo = b.echo;
        this.tls = b.tls != null;
        this.impl = new Impl(new InetSocketAddress("127.0.0.1", b.port));
        if (b.tls != null) {
            impl.setWebSocketFactory(new DefaultSSLWebSocketServerFactory(b.tls.serverContext()));
        } else {
            writes.install(impl);
        }
        try {
            impl.start();
            impl.awaitStart();
        } catch (RuntimeException e) {
            writes.close();
            throw e;
        }
    }

    /**
     * Starts a server on an ephemeral port with echo on.
     *
     * @return the running server
     */
    public static WebSocketTestServer start() {
        return builder().start();
    }

    /**
     * A builder for a configured server (port, TLS, echo).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The server's URI.
     *
     * @return {@code ws://127.0.0.1:<port>/} (or {@code wss})
     */
    public URI uri() {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + impl.getPort() + "/");
    }

    /**
     * Turns echoing of received messages on or off.
     *
     * @param on whether to send each received message back to its sender
     */
    public void echo(boolean on) {
        this.echo = on;
    }

    /**
     * Answers every following upgrade request with this HTTP status (and a short text body)
     * instead of 101, then closes the TCP connection.
     *
     * @param status any status from 200 to 599 except 101
     */
    public void refuseHandshakes(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599: " + status);
        }
        this.refuseStatus = status;
    }

    /** Accepts upgrades again after {@link #refuseHandshakes(int)}. */
    public void acceptHandshakes() {
        this.refuseStatus = 0;
    }

    /**
     * The headers of every upgrade request so far (accepted or refused), in order.
     *
     * @return a snapshot; each map has lower-case names
     */
    public List<Map<String, String>> handshakeHeaders() {
        return List.copyOf(handshakeHeaders);
    }

    /**
     * The request target (path and query) of every upgrade request so far, in order.
     *
     * @return a snapshot
     */
    public List<String> handshakePaths() {
        return List.copyOf(handshakePaths);
    }

    /**
     * Waits until at least {@code n} connections are open and registered.
     *
     * @param n the count to reach
     * @param timeout how long to wait
     * @throws IllegalStateException on timeout
     */
    public void awaitOpenConnections(int n, Duration timeout) {
        NettyServers.await(() -> open.size() >= n, timeout, n + " open WebSocket connections at " + uri()
                + " (have " + open.size() + ")");
    }

    /**
     * Connections open now (refused handshakes never count).
     *
     * @return the count
     */
    public int openConnections() {
        return open.size();
    }

    /**
     * Connections accepted since start.
     *
     * @return the count
     */
    public int totalConnections() {
        return total.get();
    }

    /**
     * Every text message received so far, in order.
     *
     * @return a snapshot
     */
    public List<String> receivedTexts() {
        return List.copyOf(received);
    }

    /**
     * Every message received so far, text and binary, in arrival order: a {@code String} for a
     * text message, a {@code byte[]} for a binary one.
     *
     * @return a snapshot
     */
    public List<Object> receivedMessages() {
        return List.copyOf(receivedMessages);
    }

    /**
     * Every binary message received so far, in order.
     *
     * @return a snapshot (copies)
     */
    public List<byte[]> receivedBinaries() {
        List<byte[]> out = new ArrayList<>();
        for (Object m : receivedMessages) {
            if (m instanceof byte[]) {
                out.add(((byte[]) m).clone());
            }
        }
        return out;
    }

    /**
     * Sends a binary message to every open connection.
     *
     * @param bytes the message
     */
    public void sendBinary(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        open.forEach(ws -> writes.sendBinary(ws, ByteBuffer.wrap(bytes)));
    }

    /**
     * Sends one binary message to every open connection as {@code fragments} frames: a binary
     * frame and continuation frames.
     *
     * @param bytes the message, at least {@code fragments} bytes long
     * @param fragments the number of frames, at least 1
     */
    public void sendBinaryFragmented(byte[] bytes, int fragments) {
        Objects.requireNonNull(bytes, "bytes");
        if (fragments < 1 || fragments > Math.max(1, bytes.length)) {
            throw new IllegalArgumentException("fragments must be 1.." + Math.max(1, bytes.length) + ": " + fragments);
        }
        for (WebSocket ws : open) {
            synchronized (ws) {
                for (int i = 0; i < fragments; i++) {
                    if (!ws.isOpen()) {
                        break;
                    }
                    int from = (int) ((long) bytes.length * i / fragments);
                    int to = (int) ((long) bytes.length * (i + 1) / fragments);
                    for (Framedata f : ws.getDraft().continuousFrame(Opcode.BINARY, ByteBuffer.wrap(bytes, from, to - from),
                            i == fragments - 1)) {
                        writes.send(ws, f);
                    }
                }
            }
        }
    }

    /**
     * The next received text message not taken yet, waiting for it if needed.
     *
     * @param timeout how long to wait
     * @return the message
     * @throws IllegalStateException on timeout
     */
    public String takeText(Duration timeout) {
        try {
            String s = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (s == null) {
                throw new IllegalStateException("no text message arrived at " + uri() + " within " + timeout);
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a text message", e);
        }
    }

    /**
     * Sends a text message to every open connection.
     *
     * @param text the message
     */
    public void sendText(String text) {
        Objects.requireNonNull(text, "text");
        open.forEach(ws -> writes.sendText(ws, text));
    }

    /**
     * Sends one text message to every open connection as {@code fragments} frames: a text frame
     * and continuation frames (split between characters, so every frame is valid UTF-8).
     *
     * @param text the message, at least {@code fragments} characters long
     * @param fragments the number of frames, at least 1
     */
    public void sendFragmented(String text, int fragments) {
        Objects.requireNonNull(text, "text");
        int points = text.codePointCount(0, text.length());
        if (fragments < 1 || fragments > Math.max(1, points)) {
            throw new IllegalArgumentException("fragments must be 1.." + Math.max(1, points) + ": " + fragments);
        }
        List<ByteBuffer> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= fragments; i++) {
            int end = i == fragments ? text.length() : text.offsetByCodePoints(0, (int) ((long) points * i / fragments));
            pieces.add(ByteBuffer.wrap(text.substring(start, end).getBytes(StandardCharsets.UTF_8)));
            start = end;
        }
        for (WebSocket ws : open) {
            synchronized (ws) {
                for (int i = 0; i < pieces.size(); i++) {
                    if (!ws.isOpen()) {
                        break;
                    }
                    for (Framedata f : ws.getDraft().continuousFrame(Opcode.TEXT, pieces.get(i).duplicate(),
                            i == pieces.size() - 1)) {
                        writes.send(ws, f);
                    }
                }
            }
        }
    }

    /**
     * Sends {@code count} text messages {@code prefix + i} ({@code i} = 0..count-1) in order to
     * every open connection.
     *
     * @param count how many
     * @param prefix the text before the number
     */
    public void sendMany(int count, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        for (WebSocket ws : open) {
            for (int i = 0; i < count; i++) {
                writes.sendText(ws, prefix + i);
            }
        }
    }

    /** Sends a ping to every open connection. */
    public void sendPing() {
        open.forEach(ws -> writes.send(ws, new PingFrame()));
    }

    /**
     * Pongs received from clients since start.
     *
     * @return the count
     */
    public int pongsReceived() {
        return pongs.get();
    }

    /**
     * Pings received from clients since start (each is answered with a pong).
     *
     * @return the count
     */
    public int pingsReceived() {
        return pings.get();
    }

    /**
     * Starts the close handshake on every open connection: sends a close frame, then closes the
     * TCP connection when the client's close frame arrives (whose code
     * {@link #closeCodesReceived()} records). A client that never answers stays connected.
     *
     * @param code the close code (1000..4999, not 1004..1006 or 1015)
     * @param reason the close reason (at most 123 bytes of UTF-8)
     */
    public void closeAll(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        for (WebSocket ws : open) {
            CloseFrame frame = new CloseFrame();
            frame.setCode(code);
            frame.setReason(reason);
            closeSent.add(ws);
            writes.send(ws, frame);
        }
    }

    /**
     * Java-WebSocket drops the TCP connection right after its own close frame, so a client's
     * answer would be lost; closeAll() sends the frame itself and finishes here instead.
     */
    private boolean onCloseFrame(WebSocketImpl ws, CloseFrame frame) {
        closeCodes.add(frame.getCloseCode());
        if (closeSent.remove(ws)) {
            ws.closeConnection(frame.getCloseCode(), frame.getMessage(), true);
            return true;
        }
        return false;
    }

    /** Closes every open connection's TCP socket without a close frame. */
    public void closeAbruptly() {
        for (WebSocket ws : open) {
            if (ws instanceof WebSocketImpl) {
                ((WebSocketImpl) ws).closeConnection(CloseFrame.ABNORMAL_CLOSE, "closed abruptly by WebSocketTestServer");
            }
        }
    }

    /**
     * The codes of the close frames clients sent, in order (1005 for a close frame without a code).
     *
     * @return a snapshot
     */
    public List<Integer> closeCodesReceived() {
        return List.copyOf(closeCodes);
    }

    /** Stops the server and closes every connection. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                impl.stop(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                writes.close();
            }
        }
    }

    @Override
    public String toString() {
        return "WebSocketTestServer[" + uri() + "]";
    }

    private final class Impl extends WebSocketServer {
        private final CountDownLatch started = new CountDownLatch(1);
        private volatile Exception startError;

        Impl(InetSocketAddress address) {
            super(address, List.of(new TestDraft(WebSocketTestServer.this::onCloseFrame)));
            setReuseAddr(true);
            setTcpNoDelay(true);
            setConnectionLostTimeout(0);
            setDaemon(true);
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                ClientHandshake request) throws InvalidDataException {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Iterator<String> it = request.iterateHttpFields(); it.hasNext(); ) {
                String name = it.next();
                headers.put(name.toLowerCase(Locale.ROOT), request.getFieldValue(name));
            }
            handshakeHeaders.add(java.util.Collections.unmodifiableMap(headers));
            handshakePaths.add(request.getResourceDescriptor());
            ServerHandshakeBuilder response = super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
            int refuse = refuseStatus;
            if (refuse != 0) {
                conn.setAttachment(refuse);
                response.put(TestDraft.REFUSE, Integer.toString(refuse));
            }
            return response;
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            if (conn.getAttachment() != null) {
                ((WebSocketImpl) conn).flushAndClose(CloseFrame.NEVER_CONNECTED, "handshake refused", false);
                return;
            }
            total.incrementAndGet();
            open.add(conn);
        }

        @Override
        public void onWebsocketPing(WebSocket conn, Framedata f) {
            pings.incrementAndGet();
            if (f instanceof PingFrame) {
                writes.send(conn, new PongFrame((PingFrame) f));
            }
        }

        @Override
        public void onWebsocketPong(WebSocket conn, Framedata f) {
            pongs.incrementAndGet();
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            open.remove(conn);
            closeSent.remove(conn);
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            received.add(message);
            receivedMessages.add(message);
            untaken.add(message);
            if (echo && conn.getAttachment() == null) {
                writes.sendText(conn, message);
            }
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            byte[] copy = new byte[message.remaining()];
            message.duplicate().get(copy);
            receivedMessages.add(copy);
            if (echo && conn.getAttachment() == null) {
                writes.sendBinary(conn, message);
            }
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                startError = ex;
                started.countDown();
            }
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        void awaitStart() {
            try {
                if (!started.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("WebSocketTestServer did not start within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting", e);
            }
            if (startError != null) {
                throw new IllegalStateException("WebSocketTestServer failed to start: " + startError.getMessage(), startError);
            }
        }
    }

    /** Configures a {@link WebSocketTestServer}. Not thread-safe. */
    public static final class Builder {
        private int port;
        private boolean echo = true;
        private TestCertificate tls;

        private Builder() {}

        /**
         * The port to listen on (default 0: an ephemeral port).
         *
         * @param port 0..65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Whether received messages are echoed (default true).
         *
         * @param on echo on or off
         * @return this builder
         */
        public Builder echo(boolean on) {
            this.echo = on;
            return this;
        }

        /**
         * Serves {@code wss} with this certificate.
         *
         * @param certificate the server certificate
         * @return this builder
         */
        public Builder tls(TestCertificate certificate) {
            this.tls = Objects.requireNonNull(certificate, "certificate");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IllegalStateException if it cannot start
         */
        public WebSocketTestServer start() {
            return new WebSocketTestServer(this);
        }
    }

    /**
     * Runs an echo server from the command line until killed and prints its URL.
     *
     * @param args optional: the port (default 0: ephemeral)
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        WebSocketTestServer server = builder().port(args.length > 0 ? Integer.parseInt(args[0]) : 0).start();
        System.out.println("WebSocketTestServer (echo) listening on " + server.uri());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
