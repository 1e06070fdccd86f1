package io.noa.realtime.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatCall;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.testkit.HostileServer;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.testkit.RecordedRequest;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.testkit.TestCertificate;
import io.noa.realtime.testkit.UnresponsiveListener;
import io.noa.realtime.testkit.WebSocketTestServer;
import io.noa.realtime.ws.RealtimeClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The javadoc examples of the testkit jar, as the tests a user would write: each region is quoted
 * verbatim by a testkit class's javadoc (SnippetsTest checks it) and runs here.
 */
class TestkitExamplesTest {
    private static final ChatRequest HELLO = ChatRequest.builder().message(Message.user("hello")).build();

    @Test
    void mockInferenceServer() throws Exception {
        // region:mock-inference-server
        try (MockInferenceServer server = MockInferenceServer.builder().apiKey("sk-test").start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).apiKey("sk-test").model("m").build()) {
            server.enqueue(MockResponse.chatTokens("Hel", "lo", "!").withUsage(true));
            StreamingMessage answer = chat.send(HELLO).result().get(10, TimeUnit.SECONDS);
            assertThat(answer.content()).isEqualTo("Hello!");
            RecordedRequest request = server.takeRequest(Duration.ofSeconds(5));
            assertThat(request.bodyUtf8()).contains("\"stream\":true");
        }
        // endregion:mock-inference-server
    }

    @Test
    void mockResponse() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).model("m")
                        .retryPolicy(RetryPolicy.builder().maxRetries(0).build()).build()) {
            // region:mock-response
            server.enqueue(MockResponse.chatTokens("Hel", "lo").withUsage(true));
            server.enqueue(MockResponse.error(429, "{\"error\":{\"message\":\"slow down\"}}").withHeader("Retry-After", "1"));
            server.enqueue(MockResponse.stream().write("data: {\"a\":1}\n\n").awaitRelease().closeAbruptly());
            // endregion:mock-response
            assertThat(chat.send(HELLO).result().get(10, TimeUnit.SECONDS).content()).isEqualTo("Hello");
            StreamingMessage limited = chat.send(HELLO).result().get(10, TimeUnit.SECONDS);
            assertThat(limited.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(limited.failure()).hasValueSatisfying(e -> assertThat(e).hasMessageContaining("429"));
            var cut = chat.send(HELLO);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.requests().size() == 3);
            server.release();
            assertThat(cut.result().get(10, TimeUnit.SECONDS).state()).isNotEqualTo(StreamingMessage.State.COMPLETED);
        }
    }

    @Test
    void eventStreamServer() {
        // region:event-stream-server
        try (EventStreamServer server = EventStreamServer.builder().retry(Duration.ofMillis(100)).start();
                SseClient client = SseClient.builder(server.uri()).build()) {
            client.connect();
            server.awaitConnections(1, Duration.ofSeconds(5));
            String id = server.publish("greeting", "hello");   // "id: 1\nevent: greeting\ndata: hello\n\n"
            await().until(() -> client.lastEventId().equals(Optional.of(id)));
            server.dropAll();                                   // the client reconnects with Last-Event-ID: 1
            server.awaitConnections(2, Duration.ofSeconds(5));
            assertThat(server.lastEventIdsSeen()).containsExactly(Optional.empty(), Optional.of("1"));
        }
        // endregion:event-stream-server
    }

    @Test
    void roomServer() throws Exception {
        // region:room-server
        try (RoomServer server = RoomServer.builder().token("t-alice", "alice").token("t-bob", "bob").start();
                RealtimeClient ws = RealtimeClient.builder(server.uri())
                        .auth(Map.of("token", "t-alice")).build()) {
            ws.rooms().join("design").get(5, TimeUnit.SECONDS);
            assertThat(ws.rooms().joined()).containsExactly("design");
        }
        // endregion:room-server
    }

    @Test
    void webSocketTestServer() throws Exception {
        // region:websocket-test-server
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(server.uri(), new WebSocket.Listener() {}).get(5, TimeUnit.SECONDS);
            server.awaitOpenConnections(1, Duration.ofSeconds(5));   // before sending from the server
            server.sendText("hi");
            client.sendText("what the client sent", true);
            assertThat(server.takeText(Duration.ofSeconds(5))).isEqualTo("what the client sent");
            client.abort();
        }
        // endregion:websocket-test-server
    }

    @Test
    void chaosProxy() throws Exception {
        // region:chaos-proxy
        try (MockInferenceServer server = MockInferenceServer.start();
                ChaosProxy proxy = ChaosProxy.start(server.port()).fragment(1);
                StreamingChat chat = StreamingChat.builder(proxy.proxied(server.chatUri())).model("m").build()) {
            server.enqueue(MockResponse.chatTokens("one ", "byte ", "at a time"));   // every byte in its own TCP segment
            assertThat(chat.send(HELLO).result().get(10, TimeUnit.SECONDS).content()).isEqualTo("one byte at a time");
            proxy.cutAllConnections();                                               // the client sees "connection reset"
        }
        // endregion:chaos-proxy
    }

    @Test
    void testCertificate() throws Exception {
        // region:test-certificate
        TestCertificate cert = TestCertificate.create();
        try (MockInferenceServer server = MockInferenceServer.builder().tls(cert).defaultReply("over TLS").start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(cert.clientContext()).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.chatUri())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true,\"messages\":[]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).contains("TLS");
        }
        // endregion:test-certificate
    }

    @Test
    void unresponsiveListener() {
        // region:unresponsive-listener
        try (UnresponsiveListener blackhole = UnresponsiveListener.start();
                SseClient client = SseClient.builder(blackhole.uri("http")).connectTimeout(Duration.ofMillis(200))
                        .retryPolicy(RetryPolicy.builder().maxRetries(0).build()).build()) {
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            client.onError(errors::add);
            client.connect();
            await().until(() -> client.state() == ConnectionState.FAILED);
            assertThat(errors).last().isInstanceOf(ConnectTimeoutException.class);
        }
        // endregion:unresponsive-listener
    }

    @Test
    void hostileServer() throws Exception {
        // region:hostile-server
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers());
                StreamingChat chat = StreamingChat.builder(server.uri("/v1/chat/completions")).model("m").build()) {
            ChatCall call = chat.send(HELLO);
            assertThatThrownBy(() -> call.result().get(300, TimeUnit.MILLISECONDS))   // no answer: a timeout
                    .isInstanceOf(TimeoutException.class);
            call.cancel();
            assertThat(server.awaitAllClosed(Duration.ofSeconds(5))).isTrue();   // the client let go of every socket
        }
        // endregion:hostile-server
    }
}
