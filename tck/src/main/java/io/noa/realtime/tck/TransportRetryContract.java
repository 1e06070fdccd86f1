package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.RetryPolicy;
import io.noa.realtime.TransportException;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.tck.RawHttpServer.Step;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One retry authority: a transport never re-sends a request. A reused keep-alive connection that
 * the server closes before answering is reported as one retryable
 * {@link TransportException} that says so, and the api's {@link RetryPolicy} decides what
 * happens next.
 */
public abstract class TransportRetryContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** For subclasses. */
    protected TransportRetryContract() {}

    private static StreamingRequest post(RawHttpServer server) {
        return StreamingRequest.builder(server.uri("/v1/chat/completions")).method("POST")
                .header("Content-Type", "application/json")
                .body("{\"model\":\"m\",\"stream\":true}".getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * Contract: a POST sent on a kept-alive connection that the server accepts and closes without
     * answering reaches the server exactly once, and fails with a retryable
     * {@link TransportException} that says the request may not have been processed.
     *
     * @throws Exception on failure
     */
    @Test
    public void reusedConnectionClosedBeforeAnyResponseByteIsOneRetryableFailure() throws Exception {
        try (RawHttpServer server = RawHttpServer.start(Step.ANSWER, Step.DROP, Step.ANSWER)) {
            Transport transport = newTransport();
            StreamingResponse first = transport.http().send(post(server)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            BodyCollector body = BodyCollector.unbounded();
            first.body().subscribe(body);
            assertThat(new String(body.done().get(WAIT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8))
                    .isEqualTo(RawHttpServer.ANSWER_BODY);
            assertThat(server.connections()).isEqualTo(1);

            var second = transport.http().send(post(server));
            assertThatThrownBy(() -> second.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TransportException.class)
                    .hasMessageContaining("connection was closed before any response byte")
                    .hasMessageContaining("the request may not have been processed")
                    .hasMessageContaining(server.uri("/v1/chat/completions").toString())
                    .satisfies(e -> assertThat(RetryPolicy.isRetryable(e)).as("retryable").isTrue());
            assertThat(server.requests()).as("requests that reached the server").isEqualTo(2);
            assertThat(server.connections()).as("connections opened: no silent second attempt").isEqualTo(1);
        }
    }

    /**
     * Contract: the api's policy retries that failure: an {@link SseClient} whose reused
     * connection dies before the response reconnects and goes on receiving events.
     *
     * @throws Exception on failure
     */
    @Test
    public void sseClientRetriesAReusedConnectionThatDied() throws Exception {
        try (RawHttpServer server = RawHttpServer.start(Step.ANSWER, Step.DROP, Step.ANSWER);
                SseClient sse = SseClient.builder(server.uri("/events")).transport(newTransport())
                        .retryPolicy(RetryPolicy.builder().unlimitedRetries().initialDelay(Duration.ofMillis(10))
                                .maxDelay(Duration.ofMillis(50)).randomizationFactor(0).build())
                        .build()) {
            List<String> got = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> got.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> got.size() >= 2);
            assertThat(got.subList(0, 2)).containsExactly("ok", "ok");
            assertThat(server.requests()).isGreaterThanOrEqualTo(3);
        }
    }

    /**
     * Contract: the chat stream's policy retries that failure, since no response byte arrived: a
     * message sent on a reused connection that dies completes normally on a new connection.
     *
     * @throws Exception on failure
     */
    @Test
    public void chatRetriesAReusedConnectionThatDiedBeforeTheFirstByte() throws Exception {
        String stream = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        try (RawHttpServer server = RawHttpServer.answering(stream, Step.ANSWER, Step.DROP, Step.ANSWER);
                StreamingChat chat = StreamingChat.builder(server.uri("/v1/chat/completions")).transport(newTransport())
                        .apiKey("k").model("m")
                        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(10))
                                .randomizationFactor(0).build())
                        .build()) {
            String first = chat.sendMessage(List.of(Message.user("one")), "m");
            await().atMost(WAIT).until(() -> !chat.messages().get(first).isStreaming());
            assertThat(chat.messages().get(first).content()).isEqualTo("hi");
            String second = chat.sendMessage(List.of(Message.user("two")), "m");
            await().atMost(WAIT).until(() -> !chat.messages().get(second).isStreaming());
            assertThat(chat.messages().get(second).error()).isEmpty();
            assertThat(chat.messages().get(second).content()).isEqualTo("hi");
            assertThat(server.requests()).as("the first, the dropped one, the api's retry").isEqualTo(3);
            assertThat(server.connections()).isEqualTo(2);
        }
    }
}
