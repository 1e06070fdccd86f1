package io.noa.realtime.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the retry-listener examples against a loopback port where nothing listens and a server that answers 503. */
class ObservabilityExamplesTest {
    private static final String BUSY = "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}";

    @Test
    void oneLineRetryListenersPrintEachRetryThenTheFailure() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = StreamingChat.builder(server.chatUri()).model("mock-model")
                        .retryPolicy(RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(20))
                                .randomizationFactor(0).build())
                        .build()) {
            ObservabilityExamples.watchRetriesInOneLine(chat);
            server.enqueue(MockResponse.error(503, BUSY));
            server.enqueue(MockResponse.chatTokens("fine"));
            StreamingMessage ok = chat.send(ChatRequest.builder().message(Message.user("x")).build()).result()
                    .get(20, TimeUnit.SECONDS);
            assertThat(ok.content()).isEqualTo("fine");
            for (int i = 0; i < 3; i++) {
                server.enqueue(MockResponse.error(503, BUSY));
            }
            StreamingMessage failed = chat.send(ChatRequest.builder().message(Message.user("y")).build()).result()
                    .get(20, TimeUnit.SECONDS);
            assertThat(failed.state()).isEqualTo(StreamingMessage.State.ERROR);
            await().atMost(Duration.ofSeconds(20)).until(() -> bytes.toString(StandardCharsets.UTF_8).contains("gave up"));
        } finally {
            System.setOut(original);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed.split("retrying: attempt 1 of 2 in ", -1)).hasSize(3);
        assertThat(printed).contains("retrying: attempt 2 of 2 in ").contains("HttpStatusException")
                .contains("gave up: ");
        assertThat(printed.split("gave up", -1)).hasSize(2);
    }

    @Test
    void retryListenerPrintsEachRetryThenGivesUpOnce() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (SseClient sse = SseClient.builder(URI.create("http://127.0.0.1:" + port + "/events"))
                .retryPolicy(RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(20))
                        .randomizationFactor(0).build())
                .build()) {
            ObservabilityExamples.watchRetries(sse);
            sse.connect();
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.state() == ConnectionState.FAILED
                    && bytes.toString(StandardCharsets.UTF_8).contains("gave up"));
        } finally {
            System.setOut(original);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("retrying: attempt 1 of 2 in ").contains("retrying: attempt 2 of 2 in ")
                .contains("after 2 retries");
        assertThat(printed.split("gave up", -1)).hasSize(2);
    }
}
