package io.noa.realtime.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NettyWebSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private EchoWebSocketServer server;
    private NettyTransport transport;

    @BeforeEach
    void setUp() throws InterruptedException {
        server = EchoWebSocketServer.startNew();
        transport = NettyTransport.create();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        transport.close();
        server.stop(1000);
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getPort() + "/chat?room=1");
    }

    private WebSocketSession open(ListenerRecorder listener) throws Exception {
        return open(transport, listener, Headers.empty());
    }

    private WebSocketSession open(NettyTransport t, ListenerRecorder listener, Headers headers) throws Exception {
        WebSocketSession s = t.webSocket().connect(uri(), headers, TIMEOUT, listener).get(20, TimeUnit.SECONDS);
        assertThat(listener.opens.get()).isEqualTo(1); // onOpen came before the future completed
        return s;
    }

    @Test
    void textBothWaysWithCustomHandshakeHeaders() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(transport, l, Headers.builder().add("X-Token", "secret-1").build());
        // Java-WebSocket runs onOpen (which records the header) slightly after it sent the 101
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.tokenHeader.get()).isEqualTo("secret-1"));
        s.request(Long.MAX_VALUE);
        s.sendText("hello").get(20, TimeUnit.SECONDS);
        s.sendText("wörld ✓").get(20, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> l.texts.size() == 2);
        assertThat(l.texts).containsExactly("hello", "wörld ✓");
        assertThat(s.isOpen()).isTrue();
        assertThat(l.concurrentCall.get()).isFalse();
    }

    @Test
    void oneMebibyteMessagesBothWays() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.request(Long.MAX_VALUE);
        String big = "abcdefgh".repeat(128 * 1024);
        s.sendText(big).get(20, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> l.texts.size() == 1);
        assertThat(l.texts.get(0)).isEqualTo(big);
        await().atMost(WAIT).until(() -> s.queuedBytes() == 0);
    }

    @Test
    void fragmentedMessagesAreAggregated() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.request(Long.MAX_VALUE);
        s.sendText("fragments");
        await().atMost(WAIT).until(() -> l.texts.size() == 1 || l.terminals.get() > 0);
        assertThat(l.error.get()).isNull();
        assertThat(l.texts).containsExactly("hello wörld");
    }

    @Test
    void pingsAreAnsweredBothWays() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.request(Long.MAX_VALUE);
        s.sendPing(ByteBuffer.wrap("are-you-there".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> l.pongs.size() == 1);
        assertThat(l.pongs).containsExactly("are-you-there");
        s.sendText("ping");
        await().atMost(WAIT).until(() -> server.pongs.get() == 1);
        assertThatThrownBy(() -> s.sendPing(ByteBuffer.allocate(126))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientCloseCompletesTheClosingHandshake() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.request(1);
        s.close(1000, "done").get(20, TimeUnit.SECONDS);
        assertThat(s.isOpen()).isFalse();
        await().atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(l.closed.get()).startsWith("1000:"); // the server's echo of our close
        await().atMost(WAIT).until(() -> "1000:done".equals(server.closedWith.get()));
        assertThat(s.sendText("late")).isCompletedExceptionally();
        assertThatThrownBy(() -> s.sendText("late").join()).hasCauseInstanceOf(ConnectionClosedException.class);
        assertThat(s.close(1000, "again")).isNotNull(); // idempotent
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        assertThat(l.terminals.get()).isEqualTo(1);
    }

    @Test
    void serverCloseCodeAndReasonReachTheListener() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.request(Long.MAX_VALUE);
        s.sendText("close:4000:bye now");
        await().atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(l.closed.get()).isEqualTo("4000:bye now");
        assertThat(l.error.get()).isNull();
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        assertThat(l.terminals.get()).isEqualTo(1);
        assertThat(l.callAfterTerminal.get()).isFalse();
    }

    @Test
    void abruptCloseGivesExactlyOneTerminalError() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.request(Long.MAX_VALUE);
        s.sendText("abrupt");
        await().atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(l.error.get()).isInstanceOf(TransportException.class);
        s.abort();
        s.close(1000, "");
        Thread.sleep(200); // a second terminal callback would show up here
        assertThat(l.terminals.get()).isEqualTo(1);
        assertThat(l.closed.get()).isNull();
        assertThat(s.isOpen()).isFalse();
    }

    @Test
    void abortEndsTheSessionWithOneError() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.abort();
        s.abort();
        await().atMost(WAIT).until(() -> l.terminals.get() == 1);
        assertThat(l.error.get()).isInstanceOf(TransportException.class);
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
    }

    @Test
    void refusedUpgradeIsAHandshakeExceptionWithTheStatus() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        http.start();
        try {
            ListenerRecorder l = new ListenerRecorder();
            CompletableFuture<WebSocketSession> f = transport.webSocket().connect(
                    URI.create("ws://127.0.0.1:" + http.getAddress().getPort() + "/nope"), Headers.empty(), TIMEOUT, l);
            assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(404));
            assertThat(l.opens.get() + l.terminals.get()).isZero();
            await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void silentServerIsAConnectTimeout() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        try (RawServer silent = new RawServer(s -> hold.await())) {
            ListenerRecorder l = new ListenerRecorder();
            CompletableFuture<WebSocketSession> f = transport.webSocket().connect(
                    URI.create("ws://127.0.0.1:" + silent.port() + "/"), Headers.empty(), Duration.ofMillis(300), l);
            assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ConnectTimeoutException.class);
            assertThat(l.opens.get() + l.terminals.get()).isZero();
            await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        } finally {
            hold.countDown();
        }
    }

    @Test
    void messagesAreDeliveredOnlyAsDemanded() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(l);
        s.sendText("burst:5");
        Thread.sleep(300); // initial demand is zero: nothing may arrive
        assertThat(l.texts).isEmpty();
        s.request(2);
        await().atMost(WAIT).until(() -> l.texts.size() == 2);
        Thread.sleep(300);
        assertThat(l.texts).containsExactly("m0", "m1");
        s.request(3);
        await().atMost(WAIT).until(() -> l.texts.size() == 5);
        assertThat(l.texts).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThatThrownBy(() -> s.request(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messageOverTheLimitEndsTheSessionWith1009() throws Exception {
        try (NettyTransport small = NettyTransport.create(TransportOptions.builder().maxWebSocketMessageSize(64 * 1024).build())) {
            ListenerRecorder l = new ListenerRecorder();
            WebSocketSession s = open(small, l, Headers.empty());
            s.request(Long.MAX_VALUE);
            s.sendText("big:" + 60 * 1024);
            await().atMost(WAIT).until(() -> l.texts.size() == 1);
            s.sendText("big:" + 100 * 1024);
            await().atMost(WAIT).until(() -> l.terminals.get() == 1);
            assertThat(l.error.get()).isInstanceOfSatisfying(LimitExceededException.class,
                    e -> assertThat(e.setting()).isEqualTo("maxWebSocketMessageSize"));
            await().atMost(WAIT).until(() -> server.closedWith.get() != null);
            assertThat(server.closedWith.get()).startsWith("1009");
        }
    }

    @Test
    void fragmentedMessageOverTheLimitEndsTheSessionWith1009() throws Exception {
        try (NettyTransport small = NettyTransport.create(TransportOptions.builder().maxWebSocketMessageSize(64 * 1024).build())) {
            ListenerRecorder l = new ListenerRecorder();
            WebSocketSession s = open(small, l, Headers.empty());
            s.request(Long.MAX_VALUE);
            s.sendText("bigfragments:" + 30 * 1024); // 3 fragments of 30 KiB: each fits, the message does not
            await().atMost(WAIT).until(() -> l.terminals.get() == 1);
            assertThat(l.error.get()).isInstanceOf(LimitExceededException.class);
            assertThat(l.texts).isEmpty();
            await().atMost(WAIT).until(() -> server.closedWith.get() != null);
            assertThat(server.closedWith.get()).startsWith("1009");
        }
    }

    @Test
    void messageSentRightAfterTheUpgradeIsKeptUntilDemanded() throws Exception {
        ListenerRecorder l = new ListenerRecorder();
        WebSocketSession s = open(transport, l, Headers.builder().add("X-Welcome", "1").build());
        Thread.sleep(200);
        assertThat(l.texts).isEmpty();
        s.request(1);
        await().atMost(WAIT).until(() -> l.texts.size() == 1);
        assertThat(l.texts).containsExactly("welcome");
    }

    @Test
    void schedulerSurvivesShutdownAttempts() throws Exception {
        var scheduler = transport.scheduler();
        assertThatThrownBy(scheduler::shutdown).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(scheduler::shutdownNow).isInstanceOf(UnsupportedOperationException.class);
        assertThat(scheduler.isShutdown()).isFalse();
        CountDownLatch ran = new CountDownLatch(1);
        scheduler.schedule(ran::countDown, 10, TimeUnit.MILLISECONDS);
        assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
    }
}
