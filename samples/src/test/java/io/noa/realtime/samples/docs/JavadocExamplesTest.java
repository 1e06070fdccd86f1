package io.noa.realtime.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.event.EventType;
import io.noa.realtime.samples.ChatLine;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.RealtimeClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every javadoc example (the regions of {@code ApiExamples}, {@code RxExamples},
 * {@code ReactorExamples} that SnippetsTest holds the javadoc to) against the testkit servers and
 * checks what it printed or returned.
 */
class JavadocExamplesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureSystemOut() {
        original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreSystemOut() {
        System.setOut(original);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dialectExampleStreamsFromAnAnthropicServer() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().dialect("anthropic-messages").apiKey("sk-ant-doc")
                .defaultReply("Claude here.").start()) {
            StreamingMessage answer = ApiExamples.dialect(server.chatUri().toString(), "sk-ant-doc",
                    ApiExamples.chatRequest());
            assertThat(answer.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(printed()).contains("COMPLETED: Claude here.");
            assertThat(server.takeRequest(WAIT).header("x-api-key")).contains("sk-ant-doc");
        }
    }

    @Test
    void streamingChatPrintsTheWholeAnswerBeforeTheChatCloses() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().apiKey("sk-doc").start()) {
            server.enqueue(MockResponse.chatTokens("Packets ", "in ", "order"));

            StreamingMessage answer = ApiExamples.streamingChat(server.chatUri().toString(), "sk-doc");

            assertThat(answer.state().name()).isEqualTo("COMPLETED");
            assertThat(printed()).contains("COMPLETED: Packets in order");
            assertThat(server.takeRequest(WAIT).bodyUtf8()).contains("Write a haiku about TCP", "gpt-4o-mini");
        }
    }

    @Test
    void sendAndChatCallWaitForTheFinalSnapshot() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().defaultReply("Hi there.").start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).model("m").build()) {
            List<StreamingMessage> followed = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Flow.Subscriber<StreamingMessage> subscriber = new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(StreamingMessage m) {
                    followed.add(m);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(null);
                }
            };

            StreamingMessage last = ApiExamples.send(chat, ApiExamples.chatRequest(), subscriber);

            assertThat(last.content()).isEqualTo("Hi there.");
            assertThat(printed()).contains("Hi there.");
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(followed).last().extracting(StreamingMessage::content).isEqualTo("Hi there.");
        }
    }

    @Test
    void requestMessagesAndRetryPolicyBuild() {
        ChatRequest request = ApiExamples.chatRequest();
        assertThat(new String(request.toJson("x"), StandardCharsets.UTF_8))
                .contains("\"model\":\"gpt-4o-mini\"", "Be brief.", "Hello!", "0.2");
        assertThat(ApiExamples.messages()).extracting(m -> m.content().orElse(""))
                .containsExactly("You are terse.", "Weather in Oslo?");
        RetryPolicy policy = ApiExamples.retryPolicy();
        assertThat(policy.maxRetries()).isEqualTo(5);
        assertThat(ApiExamples.MESSAGE_NEW.name()).isEqualTo("message:new");
        assertThat(ApiExamples.USERS.name()).isEqualTo("users");
    }

    @Test
    void sseClientPrintsNamedAndUnnamedEvents() {
        try (EventStreamServer server = EventStreamServer.start()) {
            SseClient sse = ApiExamples.sseClient(server.uri(), () -> "token-1");
            try {
                server.awaitConnections(1, WAIT);
                server.publish("progress", "40%");
                server.publish("hello");
                await().atMost(WAIT).untilAsserted(() -> assertThat(printed())
                        .contains("progress 40%", "message hello"));
            } finally {
                sse.close();
            }
        }
    }

    @Test
    void realtimeClientJoinsEmitsAndPrintsWhatOthersSay() throws Exception {
        try (RoomServer server = RoomServer.builder().token("auth-token", "user-123").token("t-bob", "bob").start();
                RealtimeClient bob = RealtimeClient.builder(server.uri()).auth(Map.of("token", "t-bob")).build()) {
            List<ChatLine> bobGot = new CopyOnWriteArrayList<>();
            bob.on(EventType.of("message:new", ChatLine.class), bobGot::add);
            bob.rooms().join("room-123").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            try (RealtimeClient ws = ApiExamples.realtimeClient(server.uri())) {
                await().atMost(WAIT).until(() -> bobGot.stream().anyMatch(l -> "Hello!".equals(l.content)));
                await().atMost(WAIT).until(() -> ws.rooms().joined().contains("room-123"));
                bob.emitWithAck("message:send", Map.of("roomId", "room-123", "content", "hi user-123"))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                await().atMost(WAIT).untilAsserted(() -> assertThat(printed())
                        .contains("New message: ").contains("hi user-123"));

                // the Flow.Publisher of the Listeners example sees the next one
                List<ApiExamples.ChatMessage> seen = new CopyOnWriteArrayList<>();
                ApiExamples.listeners(ws).subscribe(new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(ApiExamples.ChatMessage m) {
                        seen.add(m);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onComplete() {}
                });
                bob.emitWithAck("message:send", Map.of("roomId", "room-123", "content", "typed"))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> seen.contains(new ApiExamples.ChatMessage("room-123", "bob", "typed")));
            }
        }
    }

    @Test
    void connectionStatesPublishesAndTheFutureCompletesWhenConnected() throws Exception {
        try (EventStreamServer server = EventStreamServer.start();
                SseClient client = SseClient.builder(server.uri()).build()) {
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            Flow.Subscriber<ConnectionState> subscriber = new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ConnectionState s) {
                    states.add(s);
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
            };

            ApiExamples.connectionStates(client, subscriber).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> states.contains(ConnectionState.CONNECTED));
            assertThat(states.get(0)).isEqualTo(ConnectionState.DISCONNECTED);
        }
    }

    @Test
    void rxAndReactorChatPrintTheFirstFivePiecesOfText() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).model("m").build()) {
            ChatRequest request = ChatRequest.builder().message(Message.user("x")).build();
            server.enqueue(MockResponse.chatTokens("a", "b", "c", "d", "e", "f", "g"));
            io.reactivex.rxjava3.disposables.Disposable rx = RxExamples.rxChat(chat, request);
            await().atMost(WAIT).until(rx::isDisposed);
            assertThat(printed()).isEqualTo("abcde");

            bytes.reset();
            server.enqueue(MockResponse.chatTokens("1", "2", "3", "4", "5", "6"));
            reactor.core.Disposable viaReactor = ReactorExamples.reactorChat(chat, request);
            await().atMost(WAIT).until(viaReactor::isDisposed);
            assertThat(printed()).isEqualTo("12345");
        }
    }

    @Test
    void rxAndReactorSsePrintEvents() {
        try (EventStreamServer server = EventStreamServer.start();
                SseClient rxClient = SseClient.builder(server.uri()).build()) {
            io.reactivex.rxjava3.disposables.Disposable rx = RxExamples.rxSse(rxClient);
            server.publish("progress", "10%");
            server.publish("other", "ignored");
            await().atMost(WAIT).untilAsserted(() -> assertThat(printed()).contains("progress 10%"));
            assertThat(printed()).doesNotContain("ignored");
            rx.dispose();

            try (SseClient reactorClient = SseClient.builder(server.uri()).build()) {
                reactor.core.Disposable viaReactor = ReactorExamples.reactorSse(reactorClient);
                server.awaitConnections(2, WAIT);
                server.publish("status", "ready");
                await().atMost(WAIT).untilAsserted(() -> assertThat(printed()).contains("status ready"));
                viaReactor.dispose();
            }
        }
    }

    @Test
    void rxAndReactorRealtimeShowMessagesAndAcks() throws Exception {
        try (RoomServer server = RoomServer.builder().token("t-a", "alice").token("t-b", "bob").start();
                RealtimeClient alice = RealtimeClient.builder(server.uri()).auth(Map.of("token", "t-a")).build();
                RealtimeClient bob = RealtimeClient.builder(server.uri()).auth(Map.of("token", "t-b"))
                        .autoConnect(false).build()) {
            alice.rooms().join("room-123").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            bob.rooms().join("room-123");   // sent once connected

            List<io.reactivex.rxjava3.disposables.Disposable> rx = RxExamples.rxRealtime(bob);
            await().atMost(WAIT).untilAsserted(() -> assertThat(printed()).contains("ack "));
            alice.emitWithAck("message:send", Map.of("roomId", "room-123", "content", "to rx"))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).untilAsserted(() -> assertThat(printed()).contains("alice: to rx"));
            rx.forEach(io.reactivex.rxjava3.disposables.Disposable::dispose);

            bytes.reset();
            List<reactor.core.Disposable> inReactor = ReactorExamples.reactorRealtime(bob);
            await().atMost(WAIT).untilAsserted(() -> assertThat(printed()).contains("ack "));
            alice.emitWithAck("message:send", Map.of("roomId", "room-123", "content", "to reactor"))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).untilAsserted(() -> assertThat(printed()).contains("alice: to reactor"));
            inReactor.forEach(reactor.core.Disposable::dispose);
            assertThat(printed()).doesNotContain("failed:");
        }
    }
}
