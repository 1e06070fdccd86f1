package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ClientEventListener;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.RetryEvent;
import io.noa.realtime.RetryListener;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.StateChange;
import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.RealtimeClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * What a user sees of a client at work (issue 18), over a transport: retries reported apart from
 * terminal errors, with their number, budget and delay ({@link RetryListener}, like
 * socket.io-client's {@code reconnect_error} / {@code reconnect_attempt} /
 * {@code reconnect_failed}), and the metrics callbacks of {@link ClientEventListener} in their
 * documented order, for {@code SseClient}, {@code StreamingChat} and {@code RealtimeClient}.
 */
public abstract class ObservabilityContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BUSY = "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}";

    /** For subclasses. */
    protected ObservabilityContract() {}

    /** Records retry callbacks and state changes in one list, in delivery order. */
    private static final class Recorder implements RetryListener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<RetryEvent> scheduled = new CopyOnWriteArrayList<>();
        private final IntConsumer onScheduled;

        Recorder(IntConsumer onScheduled) {
            this.onScheduled = onScheduled;
        }

        Recorder() {
            this(n -> { });
        }

        @Override
        public void onRetryScheduled(RetryEvent retry) {
            scheduled.add(retry);
            seen.add("scheduled " + retry.attempt());
            onScheduled.accept(retry.attempt());
        }

        @Override
        public void onRetryStarted(RetryEvent retry) {
            seen.add("started " + retry.attempt());
        }

        @Override
        public void onRetriesExhausted(String subject, int retries, Throwable lastFailure) {
            seen.add("exhausted " + retries + " " + lastFailure.getClass().getSimpleName());
        }

        void state(StateChange change) {
            seen.add("state " + change.to());
        }
    }

    /** Records the metrics callbacks as short strings. */
    private static final class Events implements ClientEventListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void connectStart(String subject, int attempt) {
            seen.add("connectStart " + attempt);
        }

        @Override
        public void connectEnd(String subject) {
            seen.add("connectEnd");
        }

        @Override
        public void connectFailed(String subject, Throwable failure) {
            seen.add("connectFailed " + failure.getClass().getSimpleName());
        }

        @Override
        public void responseHead(String subject, int status) {
            seen.add("head " + status);
        }

        @Override
        public void firstByte(String subject) {
            seen.add("firstByte");
        }

        @Override
        public void firstToken(String subject) {
            seen.add("firstToken");
        }

        @Override
        public void eventReceived(String subject, long count) {
            seen.add("event " + count);
        }

        @Override
        public void retryScheduled(RetryEvent retry) {
            seen.add("retry " + retry.attempt());
        }

        @Override
        public void end(String subject, Optional<Throwable> cause) {
            seen.add("end " + cause.map(c -> c.getClass().getSimpleName()).orElse("ok"));
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static RetryPolicy policy(int maxRetries) {
        return RetryPolicy.builder().maxRetries(maxRetries).initialDelay(Duration.ofMillis(40))
                .maxDelay(Duration.ofMillis(400)).multiplier(2).randomizationFactor(0).build();
    }

    private static List<Long> delaysMs(List<RetryEvent> retries) {
        List<Long> out = new ArrayList<>();
        retries.forEach(r -> out.add(r.delay().toMillis()));
        return out;
    }

    private static List<Long> expectedMs(RetryPolicy policy, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(policy.delayForAttempt(i, Optional.empty(), Optional.empty()).toMillis());
        }
        return out;
    }

    // ---------------------------------------------------------------- retries

    /**
     * Contract: an {@code SseClient} whose server answers 503 three times, then streams, reports
     * attempts 1, 2, 3 (each scheduled with the policy's delay and the budget, then started)
     * between CONNECTING and CONNECTED; nothing is reported as exhausted.
     */
    @Test
    public void sseRetriesAreVisibleThenConnected() {
        RetryPolicy policy = policy(RetryPolicy.UNLIMITED);
        try (MockInferenceServer server = MockInferenceServer.start()) {
            for (int i = 0; i < 3; i++) {
                server.enqueue(MockResponse.error(503, BUSY));
            }
            server.enqueue(MockResponse.stream().write("data: hello\n\n").stall().end());
            try (SseClient sse = SseClient.builder(server.baseUri().resolve("/events")).transport(newTransport())
                    .retryPolicy(policy).build()) {
                Recorder rec = new Recorder();
                sse.onRetry(rec);
                sse.onStateChange(rec::state);
                sse.connect();
                await().atMost(WAIT).until(() -> rec.seen.contains("state CONNECTED"));
                assertThat(rec.seen).containsExactly("state CONNECTING", "scheduled 1", "state RECONNECTING",
                        "started 1", "scheduled 2", "started 2", "scheduled 3", "started 3", "state CONNECTED");
                assertThat(delaysMs(rec.scheduled)).isEqualTo(expectedMs(policy, 3));
                assertThat(rec.scheduled).allSatisfy(r -> {
                    assertThat(r.isUnlimited()).isTrue();
                    assertThat(r.cause()).isInstanceOfSatisfying(HttpStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(503));
                    assertThat(r.subject()).isEqualTo(server.baseUri().resolve("/events").toString());
                    assertThat(r.toString()).contains("of \u221e in ").contains("HttpStatusException");
                });
            }
        }
    }

    /**
     * Contract: an {@code SseClient} with a budget of 2 retries against a port where nothing
     * listens reports attempts 1 and 2, then {@code onRetriesExhausted} exactly once, and ends
     * FAILED.
     *
     * @throws Exception on failure
     */
    @Test
    public void sseFiniteBudgetReportsRetriesExhaustedOnce() throws Exception {
        URI dead = URI.create("http://127.0.0.1:" + closedPort() + "/events");
        try (SseClient sse = SseClient.builder(dead).transport(newTransport()).retryPolicy(policy(2)).build()) {
            Recorder rec = new Recorder();
            sse.onRetry(rec);
            sse.onStateChange(rec::state);
            sse.connect();
            await().atMost(WAIT).until(() -> rec.seen.contains("state FAILED"));
            assertThat(rec.seen).hasSize(8);
            assertThat(rec.seen.subList(0, 6)).containsExactly("state CONNECTING", "scheduled 1",
                    "state RECONNECTING", "started 1", "scheduled 2", "started 2");
            assertThat(rec.seen.get(6)).startsWith("exhausted 2 ");
            assertThat(rec.seen.get(7)).isEqualTo("state FAILED");
            assertThat(rec.scheduled).allSatisfy(r -> assertThat(r.maxAttempts()).isEqualTo(2));
            assertThat(rec.scheduled).allSatisfy(r -> assertThat(r.toString()).contains("of 2 in "));
        }
    }

    /**
     * Contract: a {@code RealtimeClient} whose server refuses the handshake (500) twice, then
     * accepts, reports attempts 1 and 2 with the {@code reconnectionDelay} backoff, then
     * CONNECTED.
     */
    @Test
    public void realtimeRetriesAreVisibleThenConnected() {
        try (RoomServer server = RoomServer.builder().token("t", "u").start()) {
            server.refuseHandshakes(500);
            Recorder rec = new Recorder(n -> {
                if (n == 2) {
                    server.refuseHandshakes(0); // the second retry will be accepted
                }
            });
            try (RealtimeClient ws = RealtimeClient.builder(server.uri()).transport(newTransport())
                    .auth(Map.of("token", "t")).autoConnect(false).reconnectionDelay(Duration.ofMillis(100))
                    .reconnectionDelayMax(Duration.ofSeconds(1)).randomizationFactor(0).build()) {
                ws.onRetry(rec);
                ws.onStateChange(rec::state);
                ws.connect();
                await().atMost(WAIT).until(() -> rec.seen.contains("state CONNECTED"));
                assertThat(rec.seen).containsExactly("state CONNECTING", "scheduled 1", "state RECONNECTING",
                        "started 1", "scheduled 2", "started 2", "state CONNECTED");
                RetryPolicy p = ws.options().retryPolicy();
                assertThat(delaysMs(rec.scheduled)).containsExactly(p.delayForAttempt(0).toMillis(),
                        p.delayForAttempt(1).toMillis());
                assertThat(rec.scheduled).allSatisfy(r -> assertThat(r.cause())
                        .isInstanceOf(io.noa.realtime.HandshakeException.class));
            }
        }
    }

    /**
     * Contract: a {@code RealtimeClient} with {@code reconnectionAttempts(2)} against a port where
     * nothing listens reports attempts 1 and 2, then {@code onRetriesExhausted} exactly once, and
     * ends FAILED.
     *
     * @throws Exception on failure
     */
    @Test
    public void realtimeFiniteBudgetReportsRetriesExhaustedOnce() throws Exception {
        URI dead = URI.create("ws://127.0.0.1:" + closedPort() + "/ws");
        try (RealtimeClient ws = RealtimeClient.builder(dead).transport(newTransport()).autoConnect(false)
                .reconnectionAttempts(2).reconnectionDelay(Duration.ofMillis(40))
                .reconnectionDelayMax(Duration.ofMillis(400)).randomizationFactor(0).build()) {
            Recorder rec = new Recorder();
            ws.onRetry(rec);
            ws.onStateChange(rec::state);
            ws.connect();
            await().atMost(WAIT).until(() -> rec.seen.contains("state FAILED"));
            assertThat(rec.seen).hasSize(8);
            assertThat(rec.seen.subList(0, 6)).containsExactly("state CONNECTING", "scheduled 1",
                    "state RECONNECTING", "started 1", "scheduled 2", "started 2");
            assertThat(rec.seen.get(6)).startsWith("exhausted 2 ");
            assertThat(rec.seen.get(7)).isEqualTo("state FAILED");
        }
    }

    /**
     * Contract: a chat request answered 503 twice, then streamed, reports attempts 1 and 2 under
     * its message id, and completes; one answered 503 three times with a budget of 2 reports
     * attempts 1 and 2, then {@code onRetriesExhausted} once, and ends in ERROR.
     *
     * @throws Exception on failure
     */
    @Test
    public void chatRetriesBeforeTheFirstByteAreVisible() throws Exception {
        RetryPolicy policy = policy(2);
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).transport(newTransport())
                        .apiKey("sk-contract").model("mock-model").retryPolicy(policy).build()) {
            Recorder rec = new Recorder();
            chat.onRetry(rec);
            server.enqueue(MockResponse.error(503, BUSY));
            server.enqueue(MockResponse.error(503, BUSY));
            server.enqueue(MockResponse.chatTokens("after", " retries"));
            ChatCall call = chat.send(ChatRequest.builder().message(Message.user("x")).build());
            StreamingMessage done = call.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(done.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(done.content()).isEqualTo("after retries");
            await().atMost(WAIT).until(() -> rec.seen.size() >= 4);
            assertThat(rec.seen).containsExactly("scheduled 1", "started 1", "scheduled 2", "started 2");
            assertThat(rec.scheduled).allSatisfy(r -> assertThat(r.subject()).isEqualTo(call.id()));
            assertThat(delaysMs(rec.scheduled)).isEqualTo(expectedMs(policy, 2));

            rec.seen.clear();
            rec.scheduled.clear();
            for (int i = 0; i < 3; i++) {
                server.enqueue(MockResponse.error(503, BUSY));
            }
            ChatCall failing = chat.send(ChatRequest.builder().message(Message.user("y")).build());
            StreamingMessage failed = failing.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(failed.state()).isEqualTo(StreamingMessage.State.ERROR);
            await().atMost(WAIT).until(() -> rec.seen.size() >= 5);
            assertThat(rec.seen).containsExactly("scheduled 1", "started 1", "scheduled 2", "started 2",
                    "exhausted 2 HttpStatusException");
        }
    }

    /**
     * Contract: the one-line forms see the same retries as a full {@link RetryListener}: a lambda
     * given to {@code onRetry} of {@code SseClient}, {@code RealtimeClient} and
     * {@code StreamingChat} receives each scheduled retry (attempts 1 and 2 of a budget of 2,
     * with the subject), and {@link RetryListener#onExhausted} receives the last failure once.
     *
     * @throws Exception on failure
     */
    @Test
    public void lambdaRetryListenersSeeEveryClientsRetries() throws Exception {
        List<RetryEvent> sseRetries = new CopyOnWriteArrayList<>();
        List<Throwable> sseGaveUp = new CopyOnWriteArrayList<>();
        URI deadSse = URI.create("http://127.0.0.1:" + closedPort() + "/events");
        try (SseClient sse = SseClient.builder(deadSse).transport(newTransport()).retryPolicy(policy(2)).build()) {
            sse.onRetry(retry -> sseRetries.add(retry));
            sse.onRetry(RetryListener.onExhausted(sseGaveUp::add));
            sse.connect();
            await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED && !sseGaveUp.isEmpty());
        }
        assertThat(sseRetries).extracting(RetryEvent::attempt).containsExactly(1, 2);
        assertThat(sseRetries).allSatisfy(r -> assertThat(r.subject()).isEqualTo(deadSse.toString()));
        assertThat(sseGaveUp).hasSize(1);

        List<RetryEvent> wsRetries = new CopyOnWriteArrayList<>();
        URI deadWs = URI.create("ws://127.0.0.1:" + closedPort() + "/ws");
        try (RealtimeClient ws = RealtimeClient.builder(deadWs).transport(newTransport()).autoConnect(false)
                .reconnectionAttempts(2).reconnectionDelay(Duration.ofMillis(40))
                .reconnectionDelayMax(Duration.ofMillis(400)).randomizationFactor(0).build()) {
            ws.onRetry(wsRetries::add);
            ws.connect();
            await().atMost(WAIT).until(() -> ws.state() == ConnectionState.FAILED);
        }
        assertThat(wsRetries).extracting(RetryEvent::attempt).containsExactly(1, 2);
        assertThat(wsRetries).allSatisfy(r -> assertThat(r.maxAttempts()).isEqualTo(2));

        List<RetryEvent> chatRetries = new CopyOnWriteArrayList<>();
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).transport(newTransport())
                        .apiKey("sk-contract").model("mock-model").retryPolicy(policy(2)).build()) {
            chat.onRetry(retry -> chatRetries.add(retry));
            server.enqueue(MockResponse.error(503, BUSY));
            server.enqueue(MockResponse.error(503, BUSY));
            server.enqueue(MockResponse.chatTokens("ok"));
            ChatCall call = chat.send(ChatRequest.builder().message(Message.user("x")).build());
            assertThat(call.result().get(WAIT.toSeconds(), TimeUnit.SECONDS).content()).isEqualTo("ok");
            await().atMost(WAIT).until(() -> chatRetries.size() >= 2);
            assertThat(chatRetries).extracting(RetryEvent::attempt).containsExactly(1, 2);
            assertThat(chatRetries).allSatisfy(r -> assertThat(r.subject()).isEqualTo(call.id()));
        }
    }

    // ---------------------------------------------------------------- metrics

    /**
     * Contract: the metrics callbacks of an {@code SseClient} whose server answers 503 once and
     * then streams three events come in the documented order: connect start, connect end and
     * head 503, retry 1, connect start 1, connect end and head 200, first byte, events 1 to 3;
     * {@code close()} ends the run once, without a cause.
     */
    @Test
    public void sseEventListenerSeesTheDocumentedSequence() {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.error(503, BUSY));
            server.enqueue(MockResponse.stream().write("data: a\n\ndata: b\n\n: note\n\ndata: c\n\n").stall().end());
            Events events = new Events();
            SseClient sse = SseClient.builder(server.baseUri().resolve("/events")).transport(newTransport())
                    .retryPolicy(policy(RetryPolicy.UNLIMITED)).eventListener(events).build();
            sse.connect();
            await().atMost(WAIT).until(() -> events.seen.contains("event 3"));
            sse.close();
            assertThat(events.seen).containsExactly("connectStart 0", "connectEnd", "head 503", "retry 1",
                    "connectStart 1", "connectEnd", "head 200", "firstByte", "event 1", "event 2", "event 3",
                    "end ok");
        }
    }

    /**
     * Contract: the metrics callbacks of a streamed chat message: connect start, connect end,
     * head 200, first byte, then one {@code eventReceived} per chunk counting from 1 with
     * {@code firstToken} once, right before the first chunk carrying text, and {@code end}
     * without a cause; a refused connection gives {@code connectFailed} and an end with the cause.
     *
     * @throws Exception on failure
     */
    @Test
    public void chatEventListenerSeesTheDocumentedSequence() throws Exception {
        Events events = new Events();
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).transport(newTransport())
                        .apiKey("sk-contract").model("mock-model").eventListener(events).build()) {
            server.enqueue(MockResponse.chatTokens("one", " two", " three"));
            StreamingMessage done = chat.send(ChatRequest.builder().message(Message.user("x")).build()).result()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(done.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            await().atMost(WAIT).until(() -> events.seen.stream().anyMatch(s -> s.startsWith("end ")));
            List<String> seen = new ArrayList<>(events.seen);
            assertThat(seen.subList(0, 4)).containsExactly("connectStart 0", "connectEnd", "head 200", "firstByte");
            assertThat(seen.get(seen.size() - 1)).isEqualTo("end ok");
            List<String> middle = seen.subList(4, seen.size() - 1);
            assertThat(middle).filteredOn("firstToken"::equals).hasSize(1);
            int count = 0;
            for (String s : middle) {
                if (!s.equals("firstToken")) {
                    assertThat(s).isEqualTo("event " + ++count);
                }
            }
            assertThat(count).isEqualTo(done.chunkCount());
            assertThat(middle.get(middle.indexOf("firstToken") + 1)).startsWith("event ");
        }
        Events refused = new Events();
        URI dead = URI.create("http://127.0.0.1:" + closedPort() + "/v1/chat/completions");
        try (StreamingChat chat = StreamingChat.builder(dead).transport(newTransport()).apiKey("sk-contract")
                .model("mock-model").retryPolicy(RetryPolicy.none()).eventListener(refused).build()) {
            StreamingMessage failed = chat.send(ChatRequest.builder().message(Message.user("x")).build()).result()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(failed.state()).isEqualTo(StreamingMessage.State.ERROR);
            await().atMost(WAIT).until(() -> refused.seen.size() >= 3);
            assertThat(refused.seen).hasSize(3);
            assertThat(refused.seen.get(0)).isEqualTo("connectStart 0");
            assertThat(refused.seen.get(1)).startsWith("connectFailed ");
            assertThat(refused.seen.get(2)).startsWith("end ").isNotEqualTo("end ok");
        }
    }

    /**
     * Contract: the metrics callbacks of a {@code RealtimeClient}: connect start, connect end
     * once the handshake is done, first byte with the first inbound event, one
     * {@code eventReceived} per inbound event counting from 1, and {@code end} without a cause
     * after {@code close()}.
     *
     * @throws Exception on failure
     */
    @Test
    public void realtimeEventListenerSeesTheDocumentedSequence() throws Exception {
        Events events = new Events();
        try (RoomServer server = RoomServer.builder().token("t", "u").start()) {
            RealtimeClient ws = RealtimeClient.builder(server.uri()).transport(newTransport())
                    .auth(Map.of("token", "t")).eventListener(events).build();
            await().atMost(WAIT).until(ws::isConnected);
            ws.emitWithAck("echo", 1).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.emitWithAck("echo", 2).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.close();
            await().atMost(WAIT).until(() -> events.seen.stream().anyMatch(s -> s.startsWith("end ")));
            List<String> seen = new ArrayList<>(events.seen);
            assertThat(seen.subList(0, 2)).containsExactly("connectStart 0", "connectEnd");
            assertThat(seen.get(seen.size() - 1)).isEqualTo("end ok");
            List<String> middle = seen.subList(2, seen.size() - 1);
            assertThat(middle.size()).as("firstByte and the two echoes at least: " + seen).isGreaterThanOrEqualTo(3);
            assertThat(middle.get(0)).isEqualTo("firstByte");
            for (int i = 1; i < middle.size(); i++) {
                assertThat(middle.get(i)).isEqualTo("event " + i);
            }
            assertThat(seen).filteredOn("end ok"::equals).hasSize(1);
        }
    }
}
