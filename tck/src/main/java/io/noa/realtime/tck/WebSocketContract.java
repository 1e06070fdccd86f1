package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketSession;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.testkit.UnresponsiveListener;
import io.noa.realtime.testkit.WebSocketTestServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@link io.noa.realtime.spi.WebSocketConnector} contract: handshake, typed refusals, text
 * both ways (large and fragmented), ping/pong, close codes both ways, abrupt close, demand and the
 * message size bound — against the testkit {@link WebSocketTestServer} (Java-WebSocket).
 */
public abstract class WebSocketContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** For subclasses. */
    protected WebSocketContract() {}

    private static WebSocketSession open(Transport transport, URI uri, RecordingListener listener) throws Exception {
        return open(transport, uri, Headers.empty(), listener);
    }

    private static WebSocketSession open(Transport transport, URI uri, Headers headers, RecordingListener listener)
            throws Exception {
        return transport.webSocket().connect(uri, headers, WAIT, listener).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String text(int bytes, char fill) {
        StringBuilder sb = new StringBuilder(bytes);
        for (int i = 0; i < bytes; i++) {
            sb.append(i % 100 == 99 ? '\n' : (char) (fill + i % 7));
        }
        return sb.toString();
    }

    /**
     * Contract: the upgrade carries the caller's headers; {@code onOpen} runs once, before the
     * future completes.
     *
     * @throws Exception on failure
     */
    @Test
    public void handshakeCarriesHeadersAndOpensOnce() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(),
                    Headers.of(java.util.Map.of("X-Contract", "ws-1", "Authorization", "Bearer secret-token")), listener);
            assertThat(listener.opens()).isEqualTo(1);
            assertThat(listener.order()).first().isEqualTo("open");
            assertThat(session.isOpen()).isTrue();
            assertThat(server.handshakeHeaders()).hasSize(1);
            assertThat(server.handshakeHeaders().get(0)).containsEntry("x-contract", "ws-1")
                    .containsEntry("authorization", "Bearer secret-token");
            session.close(1000, "done");
        }
    }

    /**
     * Contract: a refused upgrade (401 and 404) fails the connect future with
     * {@link HandshakeException} carrying the status; the listener gets no callback.
     *
     * @throws Exception on failure
     */
    @Test
    public void refusedHandshakeIsTypedWithStatus() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            Transport transport = newTransport();
            for (int status : new int[] {401, 404}) {
                server.refuseHandshakes(status);
                RecordingListener listener = RecordingListener.unbounded();
                CompletableFuture<WebSocketSession> future =
                        transport.webSocket().connect(server.uri(), Headers.empty(), WAIT, listener);
                assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOfSatisfying(HandshakeException.class,
                                e -> assertThat(e.status()).isEqualTo(status));
                assertThat(listener.order()).isEmpty();
            }
        }
    }

    /**
     * Contract: a handshake that cannot complete within the timeout fails with
     * {@link ConnectTimeoutException}.
     *
     * @throws Exception on failure
     */
    @Test
    public void handshakeTimeoutIsTyped() throws Exception {
        try (UnresponsiveListener hole = UnresponsiveListener.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            CompletableFuture<WebSocketSession> future = newTransport().webSocket()
                    .connect(hole.uri("ws"), Headers.empty(), Duration.ofMillis(300), listener);
            assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ConnectTimeoutException.class);
            assertThat(listener.order()).isEmpty();
        }
    }

    /**
     * Contract: text travels both ways, including 1 MiB messages, unchanged and in order.
     *
     * @throws Exception on failure
     */
    @Test
    public void textBothWaysIncludingOneMebibyte() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            String big = text(1024 * 1024, 'a');
            session.sendText("hello ✓");
            session.sendText(big);
            session.sendText("after");
            await().atMost(WAIT).until(() -> listener.texts().size() == 3);
            assertThat(listener.texts().get(0)).isEqualTo("hello ✓");
            assertThat(listener.texts().get(1)).isEqualTo(big);
            assertThat(listener.texts().get(2)).isEqualTo("after");
            assertThat(server.receivedTexts()).containsExactly("hello ✓", big, "after");
            assertThat(listener.overlaps()).isZero();
            session.close(1000, "");
        }
    }

    /**
     * Contract: a message the server sends as continuation frames arrives as one message; many
     * messages arrive in order.
     *
     * @throws Exception on failure
     */
    @Test
    public void fragmentedFramesAreAggregatedAndOrderIsKept() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            server.echo(false);
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            String message = text(200_000, 'k') + "é✓";
            server.sendFragmented(message, 7);
            server.sendMany(1_000, "m");
            await().atMost(WAIT).until(() -> listener.texts().size() == 1_001);
            assertThat(listener.texts().get(0)).isEqualTo(message);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                expected.add("m" + i);
            }
            assertThat(listener.texts().subList(1, 1_001)).isEqualTo(expected);
            session.close(1000, "");
        }
    }

    /**
     * Contract: the client's ping is answered with a pong carrying the same data; the
     * transport answers the server's pings by itself. (Control frames are read while the
     * listener has demand, as with {@code java.net.http.WebSocket}.)
     *
     * @throws Exception on failure
     */
    @Test
    public void pingAndPong() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            session.sendPing(ByteBuffer.wrap("beat-1".getBytes(StandardCharsets.UTF_8)));
            await().atMost(WAIT).until(() -> !listener.pongs().isEmpty());
            assertThat(new String(listener.pongs().get(0), StandardCharsets.UTF_8)).isEqualTo("beat-1");
            assertThat(server.pingsReceived()).isEqualTo(1);
            server.sendPing();
            await().atMost(WAIT).until(() -> server.pongsReceived() >= 1);
            session.close(1000, "");
        }
    }

    /**
     * Contract: a close code and reason sent by the client reach the server, and the client's
     * listener gets exactly one {@code onClose}.
     *
     * @throws Exception on failure
     */
    @Test
    public void clientCloseCodeReachesServer() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            session.close(4001, "client bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> server.closeCodesReceived().contains(4001));
            await().atMost(WAIT).until(() -> listener.terminals() == 1);
            Thread.sleep(200);
            assertThat(listener.terminals()).isEqualTo(1);
            assertThat(session.isOpen()).isFalse();
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
        }
    }

    /**
     * Contract: a close code and reason sent by the server reach the listener's {@code onClose},
     * exactly once.
     *
     * @throws Exception on failure
     */
    @Test
    public void serverCloseCodeReachesClient() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            server.closeAll(4002, "server bye");
            RecordingListener.Close close = listener.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(close.code()).isEqualTo(4002);
            assertThat(close.reason()).isEqualTo("server bye");
            Thread.sleep(200);
            assertThat(listener.terminals()).isEqualTo(1);
            assertThat(session.isOpen()).isFalse();
        }
    }

    /**
     * Contract: a server that drops the TCP connection without a close frame causes exactly one
     * terminal callback ({@code onError}).
     *
     * @throws Exception on failure
     */
    @Test
    public void abruptServerCloseGivesExactlyOneTerminal() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            server.closeAbruptly();
            await().atMost(WAIT).until(() -> listener.terminals() >= 1);
            Thread.sleep(300);
            assertThat(listener.terminals()).isEqualTo(1);
            assertThat(listener.failed()).isDone();
            assertThat(session.isOpen()).isFalse();
            assertThat(session.sendText("late")).failsWithin(WAIT);
        }
    }

    /**
     * Contract: messages are delivered only against demand; the initial demand is zero.
     *
     * @throws Exception on failure
     */
    @Test
    public void demandIsRespected() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            server.echo(false);
            RecordingListener listener = new RecordingListener(0);
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            server.sendMany(10, "d");
            Thread.sleep(300);
            assertThat(listener.texts()).isEmpty();
            session.request(3);
            await().atMost(WAIT).until(() -> listener.texts().size() == 3);
            Thread.sleep(300);
            assertThat(listener.texts()).containsExactly("d0", "d1", "d2");
            session.request(Long.MAX_VALUE);
            await().atMost(WAIT).until(() -> listener.texts().size() == 10);
            assertThat(listener.texts().get(9)).isEqualTo("d9");
            session.close(1000, "");
        }
    }

    /**
     * Contract: an incoming message over {@link TransportOptions#maxWebSocketMessageSize()}
     * ends the session with close code 1009 (1008 where the platform forbids a client to send
     * 1009, as {@code java.net.http.WebSocket} does) and a {@link LimitExceededException}.
     *
     * @throws Exception on failure
     */
    @Test
    public void messageOverTheSizeLimitEndsTheSession() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            server.echo(false);
            Transport transport = newTransport(TransportOptions.builder().maxWebSocketMessageSize(64 * 1024).build());
            RecordingListener listener = RecordingListener.unbounded();
            open(transport, server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            server.sendText("small");
            server.sendFragmented(text(100 * 1024, 'q'), 4);
            Throwable error = listener.failed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(error).isInstanceOf(LimitExceededException.class);
            assertThat(listener.texts()).containsExactly("small");
            assertThat(listener.terminals()).isEqualTo(1);
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
            assertThat(server.closeCodesReceived()).containsAnyOf(1009, 1008);
        }
    }

    /**
     * Contract: {@code abort()} drops the connection at once and the server sees it.
     *
     * @throws Exception on failure
     */
    @Test
    public void abortDropsTheConnection() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            session.abort();
            session.abort();
            assertThat(session.isOpen()).isFalse();
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
            assertThat(listener.terminals()).isLessThanOrEqualTo(1);
        }
    }

    /**
     * Contract: through a proxy that forwards one byte at a time, messages (including large
     * ones) arrive exactly as they do directly.
     *
     * @throws Exception on failure
     */
    @Test
    public void oneByteFragmentationGivesTheSameMessages() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start();
                ChaosProxy proxy = ChaosProxy.start(server.uri().getPort())) {
            proxy.fragment(1);
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), proxy.proxied(server.uri()), listener);
            List<String> sent = List.of("a", "héllo ✓", text(20_000, 'r'), "{\"event\":\"x\",\"data\":1}");
            for (String s : sent) {
                session.sendText(s);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.texts().size() == sent.size());
            assertThat(listener.texts()).isEqualTo(sent);
            session.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            await().atMost(WAIT).until(() -> !listener.pongs().isEmpty());
            assertThat(listener.pongs().get(0)).containsExactly(1, 2, 3);
            session.close(1000, "");
        }
    }
}
