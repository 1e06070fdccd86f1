package io.noa.realtime.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The setup and teardown every Socket.IO scenario class shares: one real Node server (or
 * servers) and one transport per class, and the clients a test opened ({@link #toClose}) closed
 * after each test. One subclass per transport supplies {@link #newTransport()}; subclasses run
 * with {@code @TestInstance(PER_CLASS)}.
 */
abstract class SocketIoScenarioBase {
    /** How long any one wait in a scenario may take. */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The server of this class, or {@code null} when {@link #startServers()} starts another kind. */
    SocketIoTestServer server;
    /** The transport under test; closed after the class. */
    Transport transport;
    /** Closed, in order, after each test. */
    final List<AutoCloseable> toClose = new ArrayList<>();

    /** The transport under test; closed after the class. */
    protected abstract Transport newTransport();

    /** Starts the server(s) of this class, before the transport; a plain {@code server.js} by default. */
    void startServers() {
        server = SocketIoTestServer.start();
    }

    /** Stops what {@link #startServers()} started, before the transport is closed. */
    void stopServers() {
        if (server != null) {
            server.close();
        }
    }

    /** Runs after the clients of a test are closed (managers, proxies, leak checks). */
    void afterClientsClosed() throws Exception {}

    @BeforeAll
    final void startServersAndTransport() {
        startServers();
        transport = newTransport();
    }

    @AfterAll
    final void stopServersAndTransport() {
        stopServers();
        if (transport != null) {
            transport.close();
        }
    }

    @AfterEach
    final void closeClients() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        toClose.clear();
        afterClientsClosed();
    }

    static JsonNode get(CompletableFuture<JsonNode> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Whether the Node process printed a JSON line of this {@code type}. */
    static boolean has(NodeProcess p, String type) {
        return p.jsonLines().stream().anyMatch(n -> n.path("type").asText().equals(type));
    }

    /** The first JSON line of this {@code type} the Node process printed. */
    static JsonNode first(NodeProcess p, String type) {
        return p.jsonLines().stream().filter(n -> n.path("type").asText().equals(type)).findFirst().orElseThrow();
    }
}
