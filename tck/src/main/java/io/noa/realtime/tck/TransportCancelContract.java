package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.tck.RawHttpServer.Step;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancel is total: cancelling the future of {@link io.noa.realtime.spi.HttpStreaming#send} (or the
 * body subscription) at any moment closes or returns the connection, never leaks it. Each moment
 * is checked on the server side, by a plain-socket server that sees the client close.
 */
public abstract class TransportCancelContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** For subclasses. */
    protected TransportCancelContract() {}

    private static StreamingRequest post(RawHttpServer server) {
        return StreamingRequest.builder(server.uri("/v1/chat/completions")).method("POST")
                .header("Content-Type", "application/json")
                .body("{\"stream\":true}".getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * Contract: cancelling the send future right away, while the connection is being made,
     * leaves no connection open at the server (none was made, or the one made is closed).
     *
     * @throws Exception on failure
     */
    @Test
    public void cancelBeforeConnectLeavesNoConnection() throws Exception {
        try (RawHttpServer server = RawHttpServer.start()) {
            Transport transport = newTransport();
            for (int i = 0; i < 20; i++) {
                CompletableFuture<StreamingResponse> future = transport.http().send(post(server));
                assertThat(future.cancel(true)).isTrue();
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(server.openConnections())
                    .as("connections still open at the server").isZero());
        }
    }

    /**
     * Contract: cancelling the send future after the server received the request and while it
     * holds back the response head closes the connection; the server sees it closed.
     *
     * @throws Exception on failure
     */
    @Test
    public void cancelBeforeTheHeadClosesTheConnection() throws Exception {
        try (RawHttpServer server = RawHttpServer.start(Step.HOLD_HEAD)) {
            CompletableFuture<StreamingResponse> future = newTransport().http().send(post(server));
            await().atMost(WAIT).until(() -> server.requests() == 1);
            assertThat(server.openConnections()).isEqualTo(1);
            assertThat(future.cancel(true)).isTrue();
            await().atMost(WAIT).untilAsserted(() -> assertThat(server.openConnections())
                    .as("connections still open at the server").isZero());
        }
    }

    /**
     * Contract: cancelling the body subscription in the middle of the body closes the connection.
     *
     * @throws Exception on failure
     */
    @Test
    public void cancelMidBodyClosesTheConnection() throws Exception {
        try (RawHttpServer server = RawHttpServer.start(Step.HOLD_BODY)) {
            StreamingResponse response = newTransport().http().send(post(server)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            BodyCollector body = BodyCollector.unbounded();
            response.body().subscribe(body);
            await().atMost(WAIT).until(() -> body.text().equals("data: held\n\n"));
            body.cancel();
            await().atMost(WAIT).untilAsserted(() -> assertThat(server.openConnections())
                    .as("connections still open at the server").isZero());
            assertThat(body.terminalSignals()).isZero();
        }
    }

    /**
     * Contract: cancelling after the end (the send future is done, the body ended, then
     * {@code close()} and {@code cancel}) is harmless: the connection is returned for reuse or
     * closed, so 20 such exchanges leave at most one connection open.
     *
     * @throws Exception on failure
     */
    @Test
    public void cancelAfterTheEndReturnsOrClosesTheConnection() throws Exception {
        Step[] answers = new Step[20];
        java.util.Arrays.fill(answers, Step.ANSWER);
        try (RawHttpServer server = RawHttpServer.start(answers)) {
            Transport transport = newTransport();
            for (int i = 0; i < answers.length; i++) {
                CompletableFuture<StreamingResponse> future = transport.http().send(post(server));
                StreamingResponse response = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                BodyCollector body = BodyCollector.unbounded();
                response.body().subscribe(body);
                assertThat(new String(body.done().get(WAIT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8))
                        .isEqualTo(RawHttpServer.ANSWER_BODY);
                assertThat(future.cancel(true)).as("cancel after completion").isFalse();
                body.cancel();
                response.close();
            }
            assertThat(server.requests()).isEqualTo(answers.length);
            await().atMost(WAIT).untilAsserted(() -> assertThat(server.openConnections())
                    .as("connections open at the server after %s exchanges", answers.length).isLessThanOrEqualTo(1));
        }
    }
}
