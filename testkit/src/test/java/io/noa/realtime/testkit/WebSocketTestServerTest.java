package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketTestServerTest {
    private WebSocketTestServer server;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A Java-WebSocket client collecting texts and its close code. */
    private static final class Client extends WebSocketClient implements AutoCloseable {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        volatile int closeCode;
        volatile boolean closeRemote;

        Client(URI uri, Map<String, String> headers) {
            super(uri, headers);
            setTcpNoDelay(true);
            setConnectionLostTimeout(0);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String message) {
            texts.add(message);
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            closeCode = code;
            closeRemote = remote;
        }

        @Override
        public void onError(Exception ex) {
        }

        String take() throws InterruptedException {
            String s = texts.poll(5, TimeUnit.SECONDS);
            assertThat(s).as("a text from the server").isNotNull();
            return s;
        }
    }

    private Client connect(Map<String, String> headers) throws InterruptedException {
        Client c = new Client(server.uri(), headers);
        clients.add(c);
        assertThat(c.connectBlocking(5, TimeUnit.SECONDS)).isTrue();
        return c;
    }

    @Test
    void echoesAndRecordsTextsAndHandshakeHeaders() throws Exception {
        server = WebSocketTestServer.start();
        assertThat(server.uri().toString()).matches("ws://127\\.0\\.0\\.1:\\d+/");
        Client c = connect(Map.of("X-Token", "abc"));
        c.send("hello");
        assertThat(c.take()).isEqualTo("hello");
        assertThat(server.takeText(Duration.ofSeconds(5))).isEqualTo("hello");
        assertThat(server.receivedTexts()).containsExactly("hello");
        assertThat(server.handshakeHeaders()).singleElement().satisfies(h -> assertThat(h).containsEntry("x-token", "abc"));

        server.echo(false);
        c.send("quiet");
        assertThat(server.takeText(Duration.ofSeconds(5))).isEqualTo("quiet");
        assertThat(c.texts.poll(100, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void refusesHandshakesWithAnyStatus() throws Exception {
        server = WebSocketTestServer.start();
        HttpClient http = HttpClient.newHttpClient();
        for (int status : new int[] {401, 403, 404, 429, 503}) {
            server.refuseHandshakes(status);
            assertThatThrownBy(() -> http.newWebSocketBuilder().buildAsync(server.uri(), new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(status));
        }
        assertThat(server.openConnections()).isZero();
        assertThat(server.handshakeHeaders()).hasSize(5);
        server.acceptHandshakes();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(server.uri(), new WebSocket.Listener() { })
                .get(5, TimeUnit.SECONDS);
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
        assertThat(server.totalConnections()).isEqualTo(1);
        ws.abort();
    }

    @Test
    void sendsFragmentedMessagesAsSeveralFrames() throws Exception {
        server = WebSocketTestServer.start();
        BlockingQueue<String> parts = new LinkedBlockingQueue<>();
        StringBuilder whole = new StringBuilder();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(server.uri(), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                whole.append(data);
                parts.add(data + (last ? "|last" : ""));
                webSocket.request(1);
                return null;
            }
        }).get(5, TimeUnit.SECONDS);
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
        server.sendFragmented("héllo wörld 😀 end", 4);
        await().atMost(Duration.ofSeconds(5)).until(() -> parts.stream().anyMatch(p -> p.endsWith("|last")));
        assertThat(whole).hasToString("héllo wörld 😀 end");
        assertThat(parts.size()).isGreaterThanOrEqualTo(4);
        ws.abort();
    }

    @Test
    void sendsManyInOrderAndCountsPingsAndPongs() throws Exception {
        server = WebSocketTestServer.start();
        Client c = connect(Map.of());
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
        server.sendMany(100, "m");
        for (int i = 0; i < 100; i++) {
            assertThat(c.take()).isEqualTo("m" + i);
        }
        server.sendPing();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.pongsReceived() == 1);
        c.sendPing();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.pingsReceived() == 1);
    }

    @Test
    void closesPolitelyOrAbruptlyAndRecordsClientCloseCodes() throws Exception {
        server = WebSocketTestServer.start();
        Client polite = connect(Map.of());
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
        server.closeAll(4000, "bye");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(polite.closeCode).isEqualTo(4000));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.closeCodesReceived()).contains(4000));

        Client abrupt = connect(Map.of());
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
        server.closeAbruptly();
        await().atMost(Duration.ofSeconds(5)).until(() -> abrupt.closeCode == 1006);
        // let the server forget the dropped connection, so the next awaitOpenConnections(1) means the new one
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);

        // java.net.http keeps the TCP connection open until the server answers the close frame
        // (the Java-WebSocket client may drop it first, and then the server sees only 1006)
        WebSocket closing = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(server.uri(), new WebSocket.Listener() {}).get(5, TimeUnit.SECONDS);
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
        closing.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.closeCodesReceived().contains(1000));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    @Test
    void servesWss() throws Exception {
        TestCertificate cert = TestCertificate.create();
        server = WebSocketTestServer.builder().tls(cert).start();
        assertThat(server.uri().getScheme()).isEqualTo("wss");
        BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newBuilder().sslContext(cert.clientContext()).build().newWebSocketBuilder()
                .buildAsync(server.uri(), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        texts.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        ws.sendText("secure", true).get(5, TimeUnit.SECONDS);
        assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("secure");
        ws.abort();
    }
}
