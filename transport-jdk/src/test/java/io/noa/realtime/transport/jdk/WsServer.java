package io.noa.realtime.transport.jdk;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A Java-WebSocket server on 127.0.0.1 driven by text commands: "echo:x" answers "x",
 * "burst:n" sends n messages, "frag" sends one message in three frames, "big:n" sends n chars,
 * "close:code" closes with that code, "drop" drops the TCP connection, "ping" pings the client.
 */
final class WsServer extends WebSocketServer {
    final CompletableFuture<Void> started = new CompletableFuture<>();
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> handshakeHeaders = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final CompletableFuture<String> closeReason = new CompletableFuture<>();
    final AtomicInteger pongs = new AtomicInteger();

    WsServer() {
        super(new InetSocketAddress("127.0.0.1", 0));
        setTcpNoDelay(true);
        setReuseAddr(true);
    }

    static WsServer startNew() throws Exception {
        WsServer s = new WsServer();
        s.start();
        s.started.get(10, TimeUnit.SECONDS);
        return s;
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + getPort() + "/ws?token=secret");
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        handshake.iterateHttpFields().forEachRemaining(n -> handshakeHeaders.add(n + "=" + handshake.getFieldValue(n)));
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        closeCode.complete(code);
        closeReason.complete(reason);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        received.add(message);
        if (message.startsWith("echo:")) {
            conn.send(message.substring(5));
        } else if (message.startsWith("burst:")) {
            int n = Integer.parseInt(message.substring(6));
            for (int i = 1; i <= n; i++) {
                conn.send("m" + i);
            }
        } else if (message.equals("frag")) {
            conn.sendFragmentedFrame(Opcode.TEXT, utf8("ab"), false);
            conn.sendFragmentedFrame(Opcode.TEXT, utf8("cd"), false);
            conn.sendFragmentedFrame(Opcode.TEXT, utf8("é€"), true);
        } else if (message.startsWith("big:")) {
            conn.send("x".repeat(Integer.parseInt(message.substring(4))));
        } else if (message.startsWith("close:")) {
            conn.close(Integer.parseInt(message.substring(6)), "server bye");
        } else if (message.equals("drop")) {
            conn.closeConnection(1006, "dropped");
        } else if (message.equals("ping")) {
            conn.sendPing();
        }
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
        pongs.incrementAndGet();
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            started.completeExceptionally(ex);
        }
    }

    @Override
    public void onStart() {
        started.complete(null);
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
