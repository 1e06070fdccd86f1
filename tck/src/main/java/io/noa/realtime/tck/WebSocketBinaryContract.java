package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketSession;
import io.noa.realtime.testkit.WebSocketTestServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Binary messages through {@link WebSocketSession#sendBinary} and
 * {@link io.noa.realtime.spi.WebSocketListener#onBinary}: echoed by a real server (the testkit
 * {@link WebSocketTestServer}, Java-WebSocket), in order with text, bounded by
 * {@link TransportOptions#maxWebSocketMessageSize()} in both directions, refused after close, and
 * received (also fragmented) against demand.
 */
public abstract class WebSocketBinaryContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** For subclasses. */
    protected WebSocketBinaryContract() {}

    private static WebSocketSession open(Transport transport, URI uri, RecordingListener listener) throws Exception {
        return transport.webSocket().connect(uri, Headers.empty(), WAIT, listener).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Bytes 0..n-1 of a pattern that differs per {@code seed}, covering every byte value. */
    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static Throwable failure(CompletableFuture<Void> f) throws Exception {
        try {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the send was expected to fail but completed normally");
    }

    /**
     * Contract: binary messages (empty, small, every byte value, 1 MiB) reach the server unchanged
     * and in order, the echo arrives through {@code onBinary} unchanged and in order, the
     * caller's buffer keeps its position and limit, every future completes and
     * {@link WebSocketSession#queuedBytes()} returns to zero.
     *
     * @throws Exception on failure
     */
    @Test
    public void binaryIsEchoedUnchangedByARealServer() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            List<byte[]> sent = List.of(new byte[0], new byte[] {0, 1, -1, 127, -128}, bytes(256, 0),
                    bytes(1024 * 1024, 7));
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            ByteBuffer offset = ByteBuffer.wrap(bytes(300, 3), 10, 200).slice(); // a view with its own position
            offset.position(50);
            for (byte[] b : sent) {
                futures.add(session.sendBinary(ByteBuffer.wrap(b)));
            }
            futures.add(session.sendBinary(offset));
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(offset.position()).isEqualTo(50);
            assertThat(offset.limit()).isEqualTo(200);
            byte[] tail = new byte[150];
            offset.duplicate().get(tail);

            await().atMost(WAIT).until(() -> listener.binaries().size() == 5);
            List<byte[]> expected = new ArrayList<>(sent);
            expected.add(tail);
            assertThat(server.receivedBinaries()).hasSize(5);
            for (int i = 0; i < 5; i++) {
                assertThat(server.receivedBinaries().get(i)).as("at the server, message " + i).isEqualTo(expected.get(i));
                assertThat(listener.binaries().get(i)).as("echoed, message " + i).isEqualTo(expected.get(i));
            }
            assertThat(listener.texts()).isEmpty();
            assertThat(listener.overlaps()).isZero();
            await().atMost(WAIT).until(() -> session.queuedBytes() == 0);
            session.close(1000, "");
        }
    }

    /**
     * Contract: text and binary sends issued one after another, without waiting for their futures,
     * reach the server in call order and come back in that order.
     *
     * @throws Exception on failure
     */
    @Test
    public void mixedTextAndBinarySendsKeepTheirOrder() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            List<Object> sent = new ArrayList<>();
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                if (i % 3 == 1) {
                    String t = "t" + i;
                    sent.add(t);
                    futures.add(session.sendText(t));
                } else {
                    byte[] b = bytes(1 + i * 37 % 5000, i);
                    sent.add(b);
                    futures.add(session.sendBinary(ByteBuffer.wrap(b)));
                }
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> listener.messages().size() == sent.size());
            assertSameSequence(server.receivedMessages(), sent, "at the server");
            assertSameSequence(listener.messages(), sent, "echoed");
            assertThat(listener.overlaps()).isZero();
            session.close(1000, "");
        }
    }

    private static void assertSameSequence(List<Object> actual, List<Object> expected, String where) {
        assertThat(actual).as(where).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Object e = expected.get(i);
            Object a = actual.get(i);
            if (e instanceof byte[]) {
                assertThat(a).as(where + ", message " + i).isInstanceOf(byte[].class);
                assertThat((byte[]) a).as(where + ", message " + i).isEqualTo((byte[]) e);
            } else {
                assertThat(a).as(where + ", message " + i).isEqualTo(e);
            }
        }
    }

    /**
     * Contract: an outgoing binary or text message over
     * {@link TransportOptions#maxWebSocketMessageSize()} is not sent; its future fails with a
     * {@link LimitExceededException} naming {@code maxWebSocketMessageSize}; the session stays open
     * and a message of exactly the limit still goes through.
     *
     * @throws Exception on failure
     */
    @Test
    public void anOutgoingMessageOverTheLimitFailsTypedAndTheSessionStaysOpen() throws Exception {
        int limit = 64 * 1024;
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            Transport transport = newTransport(TransportOptions.builder().maxWebSocketMessageSize(limit).build());
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = open(transport, server.uri(), listener);

            Throwable binary = failure(session.sendBinary(ByteBuffer.wrap(bytes(limit + 1, 1))));
            assertThat(binary).isInstanceOfSatisfying(LimitExceededException.class, e -> {
                assertThat(e.setting()).isEqualTo("maxWebSocketMessageSize");
                assertThat(e.limit()).isEqualTo(limit);
            });
            Throwable text = failure(session.sendText("é".repeat(limit / 2 + 1))); // 2 UTF-8 bytes each
            assertThat(text).isInstanceOfSatisfying(LimitExceededException.class,
                    e -> assertThat(e.setting()).isEqualTo("maxWebSocketMessageSize"));

            assertThat(session.isOpen()).isTrue();
            byte[] atLimit = bytes(limit, 2);
            session.sendBinary(ByteBuffer.wrap(atLimit)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            session.sendText("after").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> listener.messages().size() == 2);
            assertThat(listener.binaries()).singleElement().isEqualTo(atLimit);
            assertThat(listener.texts()).containsExactly("after");
            assertThat(server.receivedMessages()).hasSize(2); // nothing of the refused ones arrived
            assertThat(listener.terminals()).isZero();
            session.close(1000, "");
        }
    }

    /**
     * Contract: after {@code close} (and after {@code abort}) a binary send fails with
     * {@link ConnectionClosedException} and nothing reaches the server.
     *
     * @throws Exception on failure
     */
    @Test
    public void aBinarySendAfterCloseOrAbortFailsTyped() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            Transport transport = newTransport();
            RecordingListener closing = RecordingListener.unbounded();
            WebSocketSession closed = open(transport, server.uri(), closing);
            server.awaitOpenConnections(1, WAIT);
            closed.close(1000, "bye");
            assertThat(failure(closed.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}))))
                    .isInstanceOf(ConnectionClosedException.class);

            RecordingListener aborting = RecordingListener.unbounded();
            WebSocketSession aborted = open(transport, server.uri(), aborting);
            aborted.abort();
            assertThat(failure(aborted.sendBinary(ByteBuffer.wrap(new byte[] {4, 5, 6}))))
                    .isInstanceOf(ConnectionClosedException.class);

            await().atMost(WAIT).until(() -> server.openConnections() == 0);
            assertThat(server.receivedBinaries()).isEmpty();
        }
    }

    /**
     * Contract: binary messages from the server, also split into continuation frames, arrive
     * whole through {@code onBinary}, in order with text messages, each against one unit of demand.
     *
     * @throws Exception on failure
     */
    @Test
    public void binaryFromTheServerArrivesWholeInOrderAndAgainstDemand() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            server.echo(false);
            RecordingListener listener = new RecordingListener(0);
            WebSocketSession session = open(newTransport(), server.uri(), listener);
            server.awaitOpenConnections(1, WAIT);
            byte[] small = {9, 8, 7};
            byte[] fragmented = bytes(200_000, 5);
            byte[] last = bytes(1000, 6);
            server.sendBinary(small);
            server.sendText("between");
            server.sendBinaryFragmented(fragmented, 7);
            server.sendBinary(new byte[0]);
            server.sendBinary(last);

            Thread.sleep(300);
            assertThat(listener.messages()).isEmpty(); // no demand yet
            session.request(2);
            await().atMost(WAIT).until(() -> listener.messages().size() == 2);
            Thread.sleep(300);
            assertThat(listener.messages()).hasSize(2);
            session.request(Long.MAX_VALUE);
            await().atMost(WAIT).until(() -> listener.messages().size() == 5);
            assertSameSequence(listener.messages(), List.of(small, "between", fragmented, new byte[0], last), "received");
            assertThat(listener.order()).containsSubsequence("open", "binary", "text", "binary", "binary", "binary");
            assertThat(listener.overlaps()).isZero();
            session.close(1000, "");
        }
    }
}
