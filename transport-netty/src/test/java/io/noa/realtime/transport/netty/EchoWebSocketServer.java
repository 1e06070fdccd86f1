package io.noa.realtime.transport.netty;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/** A Java-WebSocket echo server driven by text commands from the client. */
final class EchoWebSocketServer extends WebSocketServer {
    final AtomicReference<String> tokenHeader = new AtomicReference<>();
    final AtomicReference<String> closedWith = new AtomicReference<>();
    final AtomicInteger pongs = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    private final CountDownLatch started = new CountDownLatch(1);

    EchoWebSocketServer() {
        super(new InetSocketAddress("127.0.0.1", 0));
        setTcpNoDelay(true);
        setReuseAddr(true);
    }

    static EchoWebSocketServer startNew() throws InterruptedException {
        EchoWebSocketServer s = new EchoWebSocketServer();
        s.start();
        if (!s.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("server did not start");
        }
        return s;
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        tokenHeader.set(handshake.getFieldValue("X-Token"));
        opened.incrementAndGet();
        if (handshake.hasFieldValue("X-Welcome")) {
            conn.send("welcome"); // likely to share a TCP segment with the 101 response
        }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        if (message.startsWith("close:")) {
            String[] p = message.split(":", 3);
            conn.close(Integer.parseInt(p[1]), p[2]);
        } else if (message.equals("abrupt")) {
            conn.closeConnection(1006, "abrupt");
        } else if (message.startsWith("burst:")) {
            int n = Integer.parseInt(message.substring(6));
            for (int i = 0; i < n; i++) {
                conn.send("m" + i);
            }
        } else if (message.equals("fragments")) { // Java-WebSocket turns the later TEXT fragments into continuations
            conn.sendFragmentedFrame(Opcode.TEXT, utf8("hel"), false);
            conn.sendFragmentedFrame(Opcode.TEXT, utf8("lo "), false);
            conn.sendFragmentedFrame(Opcode.TEXT, utf8("wörld"), true);
        } else if (message.startsWith("bigfragments:")) {
            int size = Integer.parseInt(message.substring(13));
            for (int i = 0; i < 3; i++) {
                conn.sendFragmentedFrame(Opcode.TEXT, utf8("y".repeat(size)), i == 2);
            }
        } else if (message.equals("ping")) {
            conn.sendPing();
        } else if (message.startsWith("big:")) {
            conn.send("x".repeat(Integer.parseInt(message.substring(4))));
        } else {
            conn.send(message);
        }
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
        pongs.incrementAndGet();
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        closedWith.compareAndSet(null, code + ":" + reason);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
