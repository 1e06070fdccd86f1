package io.noa.realtime.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketSession;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdkWebSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private JdkTransport transport = JdkTransport.create();
    private WsServer server;

    @BeforeEach
    void start() throws Exception {
        server = WsServer.startNew();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(1000);
        transport.close();
    }

    private WebSocketSession connect(RecordingListener l) throws Exception {
        return connect(server.uri(), Headers.empty(), l);
    }

    private WebSocketSession connect(URI uri, Headers headers, RecordingListener l) throws Exception {
        return transport.webSocket().connect(uri, headers, Duration.ofSeconds(10), l).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void textBothWaysIncludingOneMebibyte() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        assertThat(l.events).first().isEqualTo("open");
        assertThat(s.isOpen()).isTrue();
        s.sendText("echo:hello").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String big = "y".repeat(1024 * 1024);
        s.sendText("echo:" + big);
        await().atMost(WAIT).until(() -> l.texts.size() == 2);
        assertThat(l.texts.get(0)).isEqualTo("hello");
        assertThat(l.texts.get(1)).isEqualTo(big);
        s.sendText("big:" + (1024 * 1024));
        await().atMost(WAIT).until(() -> l.texts.size() == 3);
        assertThat(l.texts.get(2)).hasSize(1024 * 1024);
        assertThat(l.violations).isEmpty();
    }

    @Test
    void fragmentsAreJoinedIntoOneMessage() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        s.sendText("frag");
        await().atMost(WAIT).until(() -> l.texts.size() == 1);
        assertThat(l.texts).containsExactly("abcdé€");
    }

    @Test
    void demandIsRespectedAndStartsAtZero() throws Exception {
        RecordingListener l = new RecordingListener(0);
        WebSocketSession s = connect(l);
        s.sendText("burst:5");
        await().atMost(WAIT).until(() -> server.received.contains("burst:5"));
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> l.texts.isEmpty());
        s.request(2);
        await().atMost(WAIT).until(() -> l.texts.size() == 2);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> l.texts.size() == 2);
        s.request(3);
        await().atMost(WAIT).until(() -> l.texts.size() == 5);
        assertThat(l.texts).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(l.violations).isEmpty();
    }

    @Test
    void pingsAreAnsweredBothWays() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        s.sendPing(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> l.pongs.size() == 1);
        assertThat(l.pongs).containsExactly("p1");
        s.sendText("ping"); // the server pings; the JDK answers
        await().atMost(WAIT).until(() -> server.pongs.get() == 1);
        assertThat(s.sendPing(ByteBuffer.allocate(126))).isCompletedExceptionally();
    }

    @Test
    void clientCloseCodeReachesTheServerAndTheAnswerEndsTheSession() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        s.close(4000, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(s.isOpen()).isFalse();
        assertThat(server.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4000);
        assertThat(server.closeReason.get()).isEqualTo("bye");
        assertThat(l.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)[0]).isEqualTo(4000);
        assertThat(s.close(1000, "again")).isDone(); // idempotent
        assertThat(s.sendText("late")).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(ConnectionClosedException.class);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(l.violations).isEmpty();
    }

    @Test
    void clientCloseIsAnsweredEvenWithoutDemand() throws Exception {
        RecordingListener l = new RecordingListener(0);
        WebSocketSession s = connect(l);
        s.close(1000, "");
        assertThat(l.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)[0]).isEqualTo(1000);
    }

    @Test
    void serverCloseCodeReachesTheListener() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        s.sendText("close:4001");
        assertThat(l.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)[0]).isEqualTo(4001);
        assertThat(l.closeReason.get()).isEqualTo("server bye");
        assertThat(s.isOpen()).isFalse();
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(l.violations).isEmpty();
    }

    @Test
    void anAbruptCloseEndsWithExactlyOneError() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        s.sendText("drop");
        assertThat(l.error.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(TransportException.class);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(s.isOpen()).isFalse();
        assertThat(l.violations).isEmpty();
    }

    @Test
    void abortEndsWithExactlyOneError() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        s.abort();
        s.abort();
        assertThat(l.error.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ConnectionClosedException.class);
        assertThat(server.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotEqualTo(1000);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> l.terminals.get() == 1);
    }

    @Test
    void aMessageOverTheLimitEndsTheSessionAndClosesWithPolicyViolation() throws Exception {
        transport.close();
        transport = JdkTransport.create(TransportOptions.builder().maxWebSocketMessageSize(4096).build());
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        s.sendText("big:4096");
        await().atMost(WAIT).until(() -> l.texts.size() == 1); // exactly at the limit is fine
        s.sendText("big:4097");
        Throwable e = l.error.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(e).isInstanceOf(LimitExceededException.class).hasMessageContaining("maxWebSocketMessageSize");
        // 1009 is what the SPI asks for, but java.net.http.WebSocket refuses to send it: 1008 it is
        assertThat(server.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(JdkWebSocketSession.TOO_BIG_CODE);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(l.violations).isEmpty();
    }

    @Test
    void manySendsAreQueuedInOrder() throws Exception {
        RecordingListener l = new RecordingListener(Long.MAX_VALUE);
        WebSocketSession s = connect(l);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sends.add(s.sendText("n" + i + "-" + "z".repeat(1000)));
        }
        CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(s.queuedBytes()).isZero();
        await().atMost(WAIT).until(() -> server.received.size() == 500);
        for (int i = 0; i < 500; i++) {
            assertThat(server.received.get(i)).startsWith("n" + i + "-");
        }
    }

    @Test
    void customHeadersReachTheServer() throws Exception {
        RecordingListener l = new RecordingListener(0);
        connect(server.uri(), Headers.builder().add("X-Client", "noa").add("Authorization", "Bearer t").build(), l);
        // Java-WebSocket runs onOpen (which records the headers) slightly after it sent the 101
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(server.handshakeHeaders).contains("X-Client=noa", "Authorization=Bearer t"));
    }

    @Test
    void restrictedHeadersFailClearly() {
        RecordingListener l = new RecordingListener(0);
        CompletableFuture<WebSocketSession> f = transport.webSocket().connect(server.uri(),
                Headers.builder().add("Sec-WebSocket-Key", "x").build(), Duration.ofSeconds(5), l);
        assertThat(f).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(IllegalArgumentException.class).withMessageContaining("Sec-WebSocket-Key");
        assertThat(l.events).isEmpty();
    }

    @Test
    void aRefusedUpgradeIsAHandshakeExceptionWithTheStatus() throws Exception {
        for (int status : new int[] {401, 404}) {
            try (RawServer raw = new RawServer(sock -> {
                RawServer.readHead(sock.getInputStream());
                RawServer.write(sock.getOutputStream(), "HTTP/1.1 " + status + " No\r\nContent-Length: 0\r\n\r\n");
            })) {
                RecordingListener l = new RecordingListener(0);
                CompletableFuture<WebSocketSession> f = transport.webSocket().connect(
                        URI.create("ws://127.0.0.1:" + raw.port() + "/ws"), Headers.empty(), Duration.ofSeconds(10), l);
                assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .cause().isInstanceOf(HandshakeException.class)
                        .satisfies(e -> assertThat(((HandshakeException) e).status()).isEqualTo(status));
                assertThat(l.events).isEmpty();
            }
        }
    }

    @Test
    void aHandshakeThatHangsFailsWithConnectTimeoutException() throws Exception {
        try (JdkHttpStreamingTest.Backlog full = JdkHttpStreamingTest.Backlog.full()) {
            RecordingListener l = new RecordingListener(0);
            CompletableFuture<WebSocketSession> f = transport.webSocket().connect(full.uri("ws"), Headers.empty(),
                    Duration.ofMillis(300), l);
            assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectTimeoutException.class);
            assertThat(l.events).isEmpty();
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOut() throws Exception {
        try (RawServer raw = new RawServer(sock -> {
            RawServer.readHead(sock.getInputStream());
            Thread.sleep(60_000);
        })) {
            RecordingListener l = new RecordingListener(0);
            CompletableFuture<WebSocketSession> f = transport.webSocket().connect(
                    URI.create("ws://127.0.0.1:" + raw.port() + "/ws"), Headers.empty(), Duration.ofMillis(300), l);
            assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectTimeoutException.class);
            assertThat(l.events).isEmpty();
        }
    }
}
