package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseClientOptions;
import io.noa.realtime.testkit.UnresponsiveListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * "Cancel is total": closing an {@link SseClient} or cancelling a chat stream at any moment —
 * before the connection is established, while the server holds the response head back, while
 * a redirect is followed, in the middle of the body, after the end — closes the connection or
 * returns it to the transport's pool. Each contract looks from the server's side (a plain
 * socket server on 127.0.0.1): a connection the client gave up MUST reach end-of-stream there,
 * also when the server answers only after the cancel.
 */
public abstract class CancelContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration STAYS = Duration.ofMillis(500);
    private static final String PATH = "/v1/chat/completions";

    /** For subclasses. */
    protected CancelContract() {}

    private SseClientOptions.Builder sse(URI uri) {
        return SseClient.builder(uri).transport(newTransport())
                .retryPolicy(RetryPolicy.builder().unlimitedRetries().initialDelay(Duration.ofMillis(10))
                        .maxDelay(Duration.ofMillis(50)).randomizationFactor(0).build());
    }

    private StreamingChat chat(URI uri) {
        return StreamingChat.builder(uri).transport(newTransport()).apiKey("sk-cancel").model("mock-model")
                .retryPolicy(RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(50))
                        .randomizationFactor(0).build())
                .build();
    }

    private static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + content + "\"}}]}\n\n";
    }

    private static void awaitAllClosed(HeadHoldingServer server) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> server.openConnections() == 0);
    }

    // ---------------------------------------------------------------- before the connection

    /**
     * After a cancel before the connection was established: every connection that carried the
     * request is closed, and stays so; a connection the request never went out on may have gone
     * back to the transport's pool (at most one).
     */
    private static void awaitNothingLeftBeforeConnect(HeadHoldingServer server) {
        await().atMost(WAIT).during(STAYS).until(() -> server.openConnectionsThatCarriedARequest() == 0
                && server.openConnections() <= 1);
    }

    /**
     * Contract: {@code close()} right after {@code connect()} (the connection is not established
     * yet) leaves no connection with the request open on the server: one that completes late is
     * closed, or returned to the pool before the request went out on it.
     */
    @Test
    public void sseCloseBeforeTheConnectionIsEstablishedLeavesNoConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start()) {
            server.enqueue(HeadHoldingServer.Reply.openStream(false, "data: one\n\n"));
            SseClient sse = sse(server.uri("/events")).build();
            sse.connect();
            sse.close();
            assertThat(sse.state()).isEqualTo(ConnectionState.CLOSED);
            awaitNothingLeftBeforeConnect(server);
        }
    }

    /**
     * Contract: cancelling a chat stream right after sending (the connection is not established
     * yet) leaves no connection with the request open on the server, and the message CANCELLED.
     */
    @Test
    public void chatCancelBeforeTheConnectionIsEstablishedLeavesNoConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start(); StreamingChat chat = chat(server.uri(PATH))) {
            server.enqueue(HeadHoldingServer.Reply.openStream(false, chunk("par")));
            String id = chat.sendMessage(List.of(Message.user("hi")));
            assertThat(chat.cancelStream(id)).isTrue();
            assertThat(chat.message(id).orElseThrow().state()).isEqualTo(StreamingMessage.State.CANCELLED);
            awaitNothingLeftBeforeConnect(server);
            assertThat(chat.activeStreams()).isZero();
        }
    }

    /**
     * Contract: cancel while the TCP connect is still pending ends at once (CLOSED, CANCELLED)
     * and nothing is reported later (no connect timeout, no retry).
     */
    @Test
    public void cancelWhileTheConnectIsPendingEndsAtOnceAndReportsNothingLater() {
        try (UnresponsiveListener hole = UnresponsiveListener.start()) {
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            SseClient sse = sse(hole.uri("http")).connectTimeout(Duration.ofMillis(300)).build();
            sse.onError(errors::add);
            sse.connect();
            sse.close();
            assertThat(sse.state()).isEqualTo(ConnectionState.CLOSED);

            StreamingChat chat = StreamingChat.builder(hole.uri("http").resolve(PATH)).transport(newTransport())
                    .apiKey("sk-cancel").model("m").connectTimeout(Duration.ofMillis(300)).build();
            List<StreamingMessage> updates = new CopyOnWriteArrayList<>();
            chat.onUpdate(updates::add);
            String id = chat.sendMessage(List.of(Message.user("hi")));
            assertThat(chat.cancelStream(id)).isTrue();
            await().atMost(WAIT).during(Duration.ofMillis(800))
                    .until(() -> errors.isEmpty() && sse.state() == ConnectionState.CLOSED
                            && chat.message(id).orElseThrow().state() == StreamingMessage.State.CANCELLED);
            assertThat(updates).filteredOn(m -> !m.isStreaming()).hasSize(1);
            chat.close();
        }
    }

    // ---------------------------------------------------------------- before the response head

    /**
     * Contract: {@code close()} while the server holds the response head back closes the
     * connection; a head that arrives after the close is not left open (no CLOSE-WAIT).
     */
    @Test
    public void sseCloseBeforeTheResponseHeadClosesTheConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start()) {
            SseClient sse = sse(server.uri("/events")).build();
            sse.connect();
            await().atMost(WAIT).until(() -> server.heldHeads() == 1);
            sse.close();
            assertThat(sse.state()).isEqualTo(ConnectionState.CLOSED);
            awaitAllClosed(server); // the request is aborted: the server sees the close while it holds the head
            server.release();
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    /** Contract: the same for {@code disconnect()}; {@code connect()} afterwards works. */
    @Test
    public void sseDisconnectBeforeTheResponseHeadClosesTheConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start()) {
            SseClient sse = sse(server.uri("/events")).build();
            sse.connect();
            await().atMost(WAIT).until(() -> server.heldHeads() == 1);
            sse.disconnect();
            assertThat(sse.state()).isEqualTo(ConnectionState.DISCONNECTED);
            server.release();
            awaitAllClosed(server);
            List<String> got = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> got.add(e.data()));
            server.enqueue(HeadHoldingServer.Reply.openStream(false, "data: again\n\n"));
            sse.connect();
            await().atMost(WAIT).until(() -> got.contains("again"));
            sse.close();
            awaitAllClosed(server);
        }
    }

    /**
     * Contract: {@code cancelStream(id)} while the server holds the response head back closes
     * the connection (a billed completion never streams into an unread socket) and leaves the
     * message CANCELLED; a head that arrives later is closed too.
     */
    @Test
    public void chatCancelBeforeTheResponseHeadClosesTheConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start(); StreamingChat chat = chat(server.uri(PATH))) {
            String id = chat.sendMessage(List.of(Message.user("hi")));
            await().atMost(WAIT).until(() -> server.heldHeads() == 1);
            assertThat(chat.cancelStream(id)).isTrue();
            assertThat(chat.message(id).orElseThrow().state()).isEqualTo(StreamingMessage.State.CANCELLED);
            awaitAllClosed(server); // the request is aborted: the server sees the close while it holds the head
            server.release();
            assertThat(server.accepted()).isEqualTo(1);
            assertThat(chat.activeStreams()).isZero();
        }
    }

    /**
     * Contract: cancel while a redirect is being followed (the second server holds its head)
     * closes the connection of the hop in flight.
     */
    @Test
    public void cancelWhileFollowingARedirectClosesTheHopInFlight() {
        try (HeadHoldingServer first = HeadHoldingServer.start(); HeadHoldingServer second = HeadHoldingServer.start();
                StreamingChat chat = chat(first.uri(PATH))) {
            first.enqueue(HeadHoldingServer.Reply.redirect(307, second.uri(PATH).toString()));
            String id = chat.sendMessage(List.of(Message.user("hi")));
            await().atMost(WAIT).until(() -> second.heldHeads() == 1);
            assertThat(chat.cancelStream(id)).isTrue();
            second.release();
            awaitAllClosed(second);
            assertThat(second.accepted()).isEqualTo(1);
        }
        try (HeadHoldingServer first = HeadHoldingServer.start(); HeadHoldingServer second = HeadHoldingServer.start()) {
            first.enqueue(HeadHoldingServer.Reply.redirect(302, second.uri("/events").toString()));
            SseClient sse = sse(first.uri("/events")).build();
            sse.connect();
            await().atMost(WAIT).until(() -> second.heldHeads() == 1);
            sse.close();
            second.release();
            awaitAllClosed(second);
            assertThat(second.accepted()).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- in the body

    /** Contract: {@code close()} in the middle of the body closes the connection. */
    @Test
    public void sseCloseMidBodyClosesTheConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start()) {
            server.enqueue(HeadHoldingServer.Reply.openStream(false, "data: one\n\n"));
            SseClient sse = sse(server.uri("/events")).build();
            List<String> got = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> got.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> got.size() == 1);
            sse.close();
            awaitAllClosed(server);
        }
    }

    /** Contract: {@code cancelStream(id)} in the middle of the body closes the connection. */
    @Test
    public void chatCancelMidBodyClosesTheConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start(); StreamingChat chat = chat(server.uri(PATH))) {
            server.enqueue(HeadHoldingServer.Reply.openStream(false, chunk("par")));
            String id = chat.sendMessage(List.of(Message.user("hi")));
            await().atMost(WAIT).until(() -> chat.message(id).orElseThrow().content().equals("par"));
            assertThat(chat.cancelStream(id)).isTrue();
            awaitAllClosed(server);
            StreamingMessage m = chat.message(id).orElseThrow();
            assertThat(m.state()).isEqualTo(StreamingMessage.State.CANCELLED);
            assertThat(m.content()).isEqualTo("par");
        }
    }

    // ---------------------------------------------------------------- after the end

    /**
     * Contract: cancel after a clean end is a no-op: it returns false, the message stays
     * COMPLETED, and the connection that carried it — returned to the pool, perhaps already
     * carrying the next stream — is left alone: a second stream started after the first ended
     * keeps streaming until it is cancelled itself, and then its connection is closed (at most
     * one pooled connection remains).
     */
    @Test
    public void chatCancelAfterTheEndLeavesTheReturnedConnectionAlone() {
        try (HeadHoldingServer server = HeadHoldingServer.start(); StreamingChat chat = chat(server.uri(PATH))) {
            server.enqueue(HeadHoldingServer.Reply.completeStream(chunk("a") + "data: [DONE]\n\n"));
            String first = chat.sendMessage(List.of(Message.user("1")));
            await().atMost(WAIT).until(() -> !chat.message(first).orElseThrow().isStreaming());
            assertThat(chat.message(first).orElseThrow().state()).isEqualTo(StreamingMessage.State.COMPLETED);

            server.enqueue(HeadHoldingServer.Reply.openStream(false, chunk("b")));
            String second = chat.sendMessage(List.of(Message.user("2")));
            await().atMost(WAIT).until(() -> chat.message(second).orElseThrow().content().equals("b"));
            assertThat(chat.cancelStream(first)).isFalse();
            assertThat(chat.message(first).orElseThrow().state()).isEqualTo(StreamingMessage.State.COMPLETED);
            await().atMost(WAIT).during(STAYS).until(() -> chat.message(second).orElseThrow().isStreaming()
                    && server.openConnectionsThatCarriedARequest() >= 1);

            assertThat(chat.cancelStream(second)).isTrue();
            await().atMost(WAIT).until(() -> server.openConnections() <= 1);
            assertThat(server.requestLines()).hasSize(2);
        }
    }

    /**
     * Contract: the server ends an event stream cleanly, the client reconnects (the server holds
     * that head), then {@code close()}: the held request's connection is closed and at most the
     * cleanly ended one stays open, pooled.
     */
    @Test
    public void sseCloseAfterTheEndLeavesOnlyAPooledConnection() {
        try (HeadHoldingServer server = HeadHoldingServer.start()) {
            server.enqueue(HeadHoldingServer.Reply.completeStream("data: one\n\n"));
            SseClient sse = sse(server.uri("/events")).build();
            List<String> got = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> got.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> got.size() == 1 && server.heldHeads() == 1);
            sse.close();
            server.release();
            await().atMost(WAIT).until(() -> server.heldHeads() == 0 && server.openConnections() <= server.accepted() - 1);
            assertThat(server.openConnections()).isLessThanOrEqualTo(1);
            assertThat(server.requestLines()).hasSize(2);
        }
    }
}
