package io.noa.realtime.socketio;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** The real npm socket.io 4.8.4 server running {@code sio-server/server.js} on an ephemeral 127.0.0.1 port. */
final class SocketIoTestServer extends NodeProcess {
    private final int port;

    private SocketIoTestServer(Duration pingInterval, Duration pingTimeout) {
        this(Map.of(), pingInterval, pingTimeout);
    }

    private SocketIoTestServer(Map<String, String> env, Duration pingInterval, Duration pingTimeout) {
        super(env, "server.js", "0", Long.toString(pingInterval.toMillis()), Long.toString(pingTimeout.toMillis()));
        await("the Node socket.io server to listen").atMost(Duration.ofSeconds(60)).until(
                () -> lines.stream().anyMatch(l -> l.startsWith("LISTENING ")) || !isAlive());
        String line = lines.stream().filter(l -> l.startsWith("LISTENING ")).findFirst()
                .orElseThrow(() -> new AssertionError("The Node socket.io server exited before listening: " + lines));
        port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
    }

    static SocketIoTestServer start() {
        return new SocketIoTestServer(Duration.ofSeconds(25), Duration.ofSeconds(20));
    }

    static SocketIoTestServer start(Duration pingInterval, Duration pingTimeout) {
        return new SocketIoTestServer(pingInterval, pingTimeout);
    }

    /** The server with {@code connectionStateRecovery} on (see the sior block of server.js). */
    static SocketIoTestServer startWithRecovery() {
        return new SocketIoTestServer(Map.of("SIO_RECOVERY", "1"), Duration.ofSeconds(25), Duration.ofSeconds(20));
    }

    /** The URL a client is built with (the protocol adds /socket.io/?EIO=4&transport=websocket). */
    URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    /** The URL the official Node client is given. */
    String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Calls a test hook of the server ({@code /kick?user=..}, {@code /ask?user=..&event=..}, {@code /stats}). */
    JsonNode hook(String pathAndQuery) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + pathAndQuery).toURL()
                    .openConnection();
            c.setConnectTimeout(30_000);
            c.setReadTimeout(30_000);
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return JSON.readTree(in);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new AssertionError("Test hook " + pathAndQuery + " failed", e);
        }
    }
}
