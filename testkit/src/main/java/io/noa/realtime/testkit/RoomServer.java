package io.noa.realtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.PongFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * A local real-time server speaking noa-realtime's default JSON envelope protocol
 * ({@code io.noa.realtime.ws.JsonEnvelopeProtocol}): rooms, acknowledgements, presence and typing
 * relay, with switches for the failures a client must survive. Built on Java-WebSocket, a
 * WebSocket stack independent of the SDK's transports; frames are written to the socket by the
 * sending thread (Java-WebSocket 1.6.0's own write path can leave a frame queued until the next
 * send on the connection, see {@code DirectWrites}).
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#room-server -->
 * <pre>{@code
 * try (RoomServer server = RoomServer.builder().token("t-alice", "alice").token("t-bob", "bob").start();
 *         RealtimeClient ws = RealtimeClient.builder(server.uri())
 *                 .auth(Map.of("token", "t-alice")).build()) {
 *     ws.rooms().join("design").get(5, TimeUnit.SECONDS);
 *     assertThat(ws.rooms().joined()).containsExactly("design");
 * }
 * }</pre>
 *
 * <p>Protocol: the first frame must be {@code {"event":"$connect","data":<auth>}}. With tokens
 * configured, {@code auth.token} must be a known token (the user id is the token's user);
 * without, {@code auth.userId} names the user (or an id is made up). The server answers
 * {@code $connected} with {@code {"sid","userId"}}, or {@code $connect_error} and closes with
 * code 4401. Then:
 * <ul>
 *   <li>{@code room:join {roomId}} — joins; acknowledged with {@code {"ok":true,"roomId","members":[...]}};
 *       the other members get {@code room:join {roomId,userId}}, the joiner gets the members'
 *       {@code presence:update}s.</li>
 *   <li>{@code room:leave {roomId}} — leaves; others get {@code room:leave {roomId,userId}}.</li>
 *   <li>{@code message:send {roomId,content}} — the other members get
 *       {@code message:new {roomId,userId,content,id,seq}}; acknowledged with {@code {"ok":true,"id"}}.</li>
 *   <li>{@code presence:update {status,metadata}} — relayed as {@code presence:update {userId,status,metadata,lastSeen}}
 *       to every other connected client.</li>
 *   <li>{@code typing:start|typing:stop {roomId}} — relayed with {@code userId} to the other members.</li>
 *   <li>{@code echo <any>} — sent back as {@code echo}; any other event with an {@code ack} is
 *       acknowledged with its own data.</li>
 * </ul>
 */
public final class RoomServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Builder config;
    private final Impl impl;
    private final DirectWrites writes;
    private final Map<WebSocket, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Set<WebSocket>> rooms = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> presence = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<JsonNode> authPayloads = new CopyOnWriteArrayList<>();
    // a copy-on-write list copied every frame recorded so far on each add: after a million frames
    // each one cost the server milliseconds, its answers came late and clients' acks timed out
    private final java.util.concurrent.ConcurrentLinkedQueue<String> received = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger sids = new AtomicInteger();
    private final AtomicInteger messageSeq = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();
    private volatile boolean dropPongs;
    private volatile boolean silent;
    private volatile int refuseStatus;

    private static final class Client {
        final String sid;
        final String userId;

        Client(String sid, String userId) {
            this.sid = sid;
            this.userId = userId;
        }
    }

    private RoomServer(Builder config) {
        this.config = config;
        this.impl = new Impl(new InetSocketAddress("127.0.0.1", config.port));
        this.writes = new DirectWrites("RoomServer-writer");
        writes.install(impl);
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a server with default settings on an ephemeral port.
     *
     * @return the started server
     */
    public static RoomServer start() {
        return builder().start();
    }

    /**
     * The port.
     *
     * @return the bound port
     */
    public int port() {
        return impl.getPort();
    }

    /**
     * The WebSocket URL.
     *
     * @return {@code ws://127.0.0.1:<port>/ws}
     */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    /**
     * Stop answering WebSocket pings (the link looks alive at TCP level but is not: half-open).
     *
     * @param drop true to drop pongs
     */
    public void dropPongs(boolean drop) {
        this.dropPongs = drop;
    }

    /**
     * Stop sending anything at all, pongs included, while keeping connections open.
     *
     * @param silent true to go silent
     */
    public void silent(boolean silent) {
        this.silent = silent;
    }

    /**
     * Refuse the next WebSocket upgrades: 404 (upgrade failure) or 500 (server error) are what
     * the underlying WebSocket library can answer; 0 accepts again.
     *
     * @param status 404, 500 or 0
     */
    public void refuseHandshakes(int status) {
        if (status != 0 && status != 404 && status != 500) {
            throw new IllegalArgumentException("status must be 404, 500 or 0 (Java-WebSocket can only refuse with these)");
        }
        this.refuseStatus = status;
    }

    /** Closes every client's TCP connection at once, without a close frame. */
    public void closeAllAbruptly() {
        for (WebSocket ws : impl.getConnections()) {
            if (ws instanceof WebSocketImpl) {
                ((WebSocketImpl) ws).closeConnection(CloseFrame.ABNORMAL_CLOSE, "abrupt close");
            } else {
                ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, "abrupt close");
            }
        }
    }

    /**
     * Ends every session at protocol level ({@code $disconnect}) and closes the WebSockets.
     *
     * @param reason sent to the clients
     */
    public void disconnectAll(String reason) {
        ObjectNode data = JSON.createObjectNode().put("reason", reason);
        for (WebSocket ws : impl.getConnections()) {
            send(ws, envelope("$disconnect", data));
            ws.close(CloseFrame.NORMAL, reason);
        }
    }

    /**
     * Sends a raw text frame to every connected client (for malformed-input tests).
     *
     * @param frame the frame
     */
    public void sendRaw(String frame) {
        for (WebSocket ws : impl.getConnections()) {
            writes.sendText(ws, frame);
        }
    }

    /**
     * Sends an event to every client connected as {@code userId}.
     *
     * @param userId the user
     * @param event the event name
     * @param data the payload
     */
    public void sendTo(String userId, String event, Object data) {
        JsonNode node = JSON.valueToTree(data);
        clients.forEach((ws, c) -> {
            if (c.userId.equals(userId)) {
                send(ws, envelope(event, node));
            }
        });
    }

    /**
     * Clients that completed the protocol handshake and are still connected.
     *
     * @return the count
     */
    public int connectedClients() {
        return clients.size();
    }

    /**
     * The WebSocket upgrades accepted so far.
     *
     * @return the count
     */
    public int handshakes() {
        return handshakes.get();
    }

    /**
     * Every auth payload received in a {@code $connect}, in order.
     *
     * @return a snapshot
     */
    public List<JsonNode> authPayloads() {
        return List.copyOf(authPayloads);
    }

    /**
     * Forgets the auth payloads and text frames recorded so far ({@link #authPayloads()},
     * {@link #receivedFrames()}), so a long run (thousands of connections) keeps no memory per
     * connection; the counters stay.
     */
    public void clearRecorded() {
        authPayloads.clear();
        received.clear();
    }

    /**
     * Every text frame received, in order (empty when built with {@code recordFrames(false)}).
     *
     * @return a snapshot
     */
    public List<String> receivedFrames() {
        return List.copyOf(received);
    }

    /**
     * WebSocket pings received.
     *
     * @return the count
     */
    public int pingsReceived() {
        return pings.get();
    }

    /**
     * The user ids in a room.
     *
     * @param roomId the room
     * @return a snapshot
     */
    public Set<String> members(String roomId) {
        Set<String> out = new java.util.TreeSet<>();
        for (WebSocket ws : rooms.getOrDefault(roomId, Set.of())) {
            Client c = clients.get(ws);
            if (c != null) {
                out.add(c.userId);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public void close() {
        try {
            impl.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writes.close();
        }
    }

    // ------------------------------------------------------------------ protocol

    private void handle(WebSocket ws, String text) {
        if (config.recordFrames) {
            received.add(text);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        String event = root.path("event").asText("");
        JsonNode data = root.path("data");
        JsonNode ackNode = root.get("ack");
        long ack = ackNode != null && ackNode.canConvertToLong() ? ackNode.asLong() : -1;
        Client me = clients.get(ws);
        if (event.equals("$connect")) {
            connect(ws, data);
            return;
        }
        if (me == null) {
            send(ws, envelope("$connect_error", JSON.createObjectNode().put("message", "send $connect first")));
            ws.close(4401, "not connected");
            return;
        }
        Function<JsonNode, JsonNode> custom = config.handlers.get(event);
        if (custom != null) {
            JsonNode answer = custom.apply(data);
            if (ack >= 0) {
                send(ws, ack(ack, answer));
            }
            return;
        }
        switch (event) {
            case "room:join":
                join(ws, me, data.path("roomId").asText(""), ack);
                break;
            case "room:leave":
                leave(ws, me, data.path("roomId").asText(""), ack);
                break;
            case "message:send":
                message(ws, me, data, ack);
                break;
            case "presence:update":
                presence(ws, me, data);
                break;
            case "typing:start":
            case "typing:stop":
                typing(ws, me, event, data.path("roomId").asText(""));
                break;
            case "echo":
                send(ws, envelope("echo", data));
                if (ack >= 0) {
                    send(ws, ack(ack, data));
                }
                break;
            default:
                if (ack >= 0) {
                    send(ws, ack(ack, data));
                }
        }
    }

    private void connect(WebSocket ws, JsonNode auth) {
        authPayloads.add(auth.deepCopy());
        String userId;
        if (!config.tokens.isEmpty()) {
            userId = config.tokens.get(auth.path("token").asText(""));
            if (userId == null) {
                send(ws, envelope("$connect_error", JSON.createObjectNode().put("message", "invalid token")));
                ws.close(4401, "unauthorized");
                return;
            }
        } else {
            userId = auth.path("userId").asText("user-" + sids.get());
        }
        String sid = "s" + sids.incrementAndGet();
        clients.put(ws, new Client(sid, userId));
        send(ws, envelope("$connected", JSON.createObjectNode().put("sid", sid).put("userId", userId)));
    }

    private void join(WebSocket ws, Client me, String room, long ack) {
        if (room.isEmpty() || config.forbiddenRooms.contains(room)) {
            if (ack >= 0) {
                ObjectNode n = JSON.createObjectNode();
                n.put("ack", ack);
                n.putObject("error").put("message", room.isEmpty() ? "roomId missing" : "forbidden room");
                send(ws, n.toString());
            }
            return;
        }
        Set<WebSocket> members = rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet());
        boolean added = members.add(ws);
        if (ack >= 0) {
            ObjectNode answer = JSON.createObjectNode().put("ok", true).put("roomId", room);
            ArrayNode list = answer.putArray("members");
            members(room).forEach(list::add);
            send(ws, ack(ack, answer));
        }
        if (added) {
            ObjectNode note = JSON.createObjectNode().put("roomId", room).put("userId", me.userId);
            broadcast(room, ws, envelope("room:join", note));
            for (WebSocket other : members) {
                Client oc = clients.get(other);
                if (other != ws && oc != null && presence.containsKey(oc.userId)) {
                    send(ws, envelope("presence:update", presence.get(oc.userId)));
                }
            }
        }
    }

    private void leave(WebSocket ws, Client me, String room, long ack) {
        Set<WebSocket> members = rooms.get(room);
        boolean removed = members != null && members.remove(ws);
        if (ack >= 0) {
            send(ws, ack(ack, JSON.createObjectNode().put("ok", true).put("roomId", room)));
        }
        if (removed) {
            broadcast(room, ws, envelope("room:leave", JSON.createObjectNode().put("roomId", room).put("userId", me.userId)));
        }
    }

    private void message(WebSocket ws, Client me, JsonNode data, long ack) {
        String room = data.path("roomId").asText("");
        int seq = messageSeq.incrementAndGet();
        String id = "m" + seq;
        ObjectNode out = JSON.createObjectNode().put("roomId", room).put("userId", me.userId)
                .put("id", id).put("seq", seq);
        out.set("content", data.path("content"));
        broadcast(room, ws, envelope("message:new", out));
        if (ack >= 0) {
            send(ws, ack(ack, JSON.createObjectNode().put("ok", true).put("id", id)));
        }
    }

    private void presence(WebSocket ws, Client me, JsonNode data) {
        ObjectNode p = JSON.createObjectNode().put("userId", me.userId).put("status", data.path("status").asText(""));
        p.set("metadata", data.path("metadata").isMissingNode() ? JSON.nullNode() : data.path("metadata"));
        p.put("lastSeen", System.currentTimeMillis());
        presence.put(me.userId, p);
        String frame = envelope("presence:update", p);
        for (WebSocket other : clients.keySet()) {
            if (other != ws) {
                send(other, frame);
            }
        }
    }

    private void typing(WebSocket ws, Client me, String event, String room) {
        broadcast(room, ws, envelope(event, JSON.createObjectNode().put("roomId", room).put("userId", me.userId)));
    }

    private void broadcast(String room, WebSocket except, String frame) {
        for (WebSocket ws : rooms.getOrDefault(room, Set.of())) {
            if (ws != except) {
                send(ws, frame);
            }
        }
    }

    private void send(WebSocket ws, String frame) {
        if (!silent) {
            writes.sendText(ws, frame);
        }
    }

    private static String envelope(String event, JsonNode data) {
        ObjectNode n = JSON.createObjectNode().put("event", event);
        n.set("data", data == null ? JSON.nullNode() : data);
        return n.toString();
    }

    private static String ack(long id, JsonNode data) {
        ObjectNode n = JSON.createObjectNode().put("ack", id);
        n.set("data", data == null ? JSON.nullNode() : data);
        return n.toString();
    }

    private void dropClient(WebSocket ws) {
        Client c = clients.remove(ws);
        for (Map.Entry<String, Set<WebSocket>> e : rooms.entrySet()) {
            if (e.getValue().remove(ws) && c != null) {
                broadcast(e.getKey(), ws, envelope("room:leave",
                        JSON.createObjectNode().put("roomId", e.getKey()).put("userId", c.userId)));
            }
        }
    }

    private final class Impl extends WebSocketServer {
        private final CountDownLatch started = new CountDownLatch(1);
        private volatile Exception startError;

        Impl(InetSocketAddress address) {
            super(address);
            setReuseAddr(true);
            setTcpNoDelay(true);
            setConnectionLostTimeout(0);
            setDaemon(true);
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                ClientHandshake request) throws InvalidDataException {
            int refuse = refuseStatus;
            if (refuse == 404) {
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "refused by test switch");
            }
            if (refuse == 500) {
                throw new IllegalStateException("refused by test switch");
            }
            return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        }

        @Override
        public void onWebsocketPing(WebSocket conn, Framedata f) {
            pings.incrementAndGet();
            if (!dropPongs && !silent && f instanceof PingFrame) {
                writes.send(conn, new PongFrame((PingFrame) f));
            }
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            handshakes.incrementAndGet();
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            dropClient(conn);
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            handle(conn, message);
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
                    throw new IllegalStateException("RoomServer did not start within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting", e);
            }
            if (startError != null) {
                throw new IllegalStateException("RoomServer failed to start: " + startError.getMessage(), startError);
            }
        }
    }

    /** Configures a {@link RoomServer}. */
    public static final class Builder {
        private int port;
        private boolean recordFrames = true;
        private final Map<String, String> tokens = new ConcurrentHashMap<>();
        private final Set<String> forbiddenRooms = ConcurrentHashMap.newKeySet();
        private final Map<String, Function<JsonNode, JsonNode>> handlers = new ConcurrentHashMap<>();

        private Builder() {}

        /**
         * The port (default 0: an ephemeral port).
         *
         * @param port 0..65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Accept {@code auth.token == token} as {@code userId}. Once any token is set, unknown
         * tokens are refused.
         *
         * @param token the secret
         * @param userId the user it stands for
         * @return this builder
         */
        public Builder token(String token, String userId) {
            tokens.put(Objects.requireNonNull(token, "token"), Objects.requireNonNull(userId, "userId"));
            return this;
        }

        /**
         * A room whose joins are refused with an error acknowledgement.
         *
         * @param roomId the room
         * @return this builder
         */
        public Builder forbidRoom(String roomId) {
            forbiddenRooms.add(Objects.requireNonNull(roomId, "roomId"));
            return this;
        }

        /**
         * A custom event handler; its result is the acknowledgement when one is asked for.
         *
         * @param event the event name
         * @param handler computes the answer from the data
         * @return this builder
         */
        public Builder handler(String event, Function<JsonNode, JsonNode> handler) {
            handlers.put(Objects.requireNonNull(event, "event"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Whether to keep every received text frame for {@link RoomServer#receivedFrames()}
         * (default true). Turn it off for long runs such as benchmarks, where the record would
         * only grow.
         *
         * @param record false to keep nothing
         * @return this builder
         */
        public Builder recordFrames(boolean record) {
            this.recordFrames = record;
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         */
        public RoomServer start() {
            RoomServer s = new RoomServer(this);
            try {
                s.impl.start();
                s.impl.awaitStart();
            } catch (RuntimeException e) {
                s.writes.close();
                throw e;
            }
            return s;
        }
    }

    /** The command line of {@link #main}. */
    static final CommandLine COMMAND_LINE = new CommandLine("RoomServer",
            "A WebSocket relay for rooms, acknowledged messages, presence and typing (JSON envelopes).",
            List.of(CommandLine.Option.value("--port", "N", "port to listen on (default 8090; 0: a free one)"),
                    CommandLine.Option.repeated("--token", "TOKEN=USER", "accept auth token TOKEN as user USER "
                            + "(repeatable; none: anyone may connect, as the userId they send)"),
                    CommandLine.Option.repeated("--forbid-room", "ROOM", "refuse joins to ROOM (repeatable)")));

    /**
     * Runs a server from the command line until killed and prints its URL; {@code --help} lists
     * the flags ({@code --port}, {@code --token TOKEN=USER}, {@code --forbid-room}).
     *
     * @param args the flags
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        COMMAND_LINE.main(args, RoomServer::fromCommandLine);
    }

    static RoomServer fromCommandLine(CommandLine.Values v, PrintStream out) {
        Builder b = builder().port(v.intValue("--port", 8090, 0, 65535));
        for (String pair : v.all("--token")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("--token needs TOKEN=USER");
            }
            b.token(pair.substring(0, eq), pair.substring(eq + 1));
        }
        v.all("--forbid-room").forEach(b::forbidRoom);
        RoomServer server = b.start();
        out.println("RoomServer listening on " + server.uri());
        return server;
    }
}
