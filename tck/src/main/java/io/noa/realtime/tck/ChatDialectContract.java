package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Dialect;
import io.noa.realtime.chat.FinishReason;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.chat.ToolCall;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.testkit.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The {@link StreamingChat} contract per chat {@link Dialect} (OpenAI chat completions, Anthropic
 * Messages, OpenAI Responses) over a transport, against {@link MockInferenceServer} speaking the
 * same dialect: token-by-token delivery, the request as recorded on the wire, cancel, errors
 * before the stream, errors inside it, and the dialect's end rule. Tagged {@code dialects} so it
 * can be run alone ({@code -Dgroups=dialects}); it runs in every build.
 */
@Tag("dialects")
public abstract class ChatDialectContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** For subclasses. */
    protected ChatDialectContract() {}

    private static MockInferenceServer server(String dialect) {
        return MockInferenceServer.builder().dialect(dialect).apiKey("sk-dialect").start();
    }

    private StreamingChat.Builder chat(URI uri, String dialect) {
        return StreamingChat.builder(uri).transport(newTransport()).dialect(Dialect.named(dialect)).apiKey("sk-dialect")
                .model("mock-model").retryPolicy(RetryPolicy.builder().maxRetries(2).initialDelay(Duration.ofMillis(50))
                        .randomizationFactor(0).build());
    }

    private static StreamingMessage awaitDone(StreamingChat chat, String id) {
        await().atMost(WAIT).until(() -> chat.message(id).map(m -> !m.isStreaming()).orElse(false));
        return chat.message(id).orElseThrow();
    }

    /** One dynamic test per dialect name. */
    private static java.util.stream.Stream<DynamicTest> perDialect(ThrowingConsumer<String> test, String... dialects) {
        String[] names = dialects.length > 0 ? dialects
                : new String[] {"openai-chat", "anthropic-messages", "openai-responses"};
        return java.util.Arrays.stream(names).map(d -> DynamicTest.dynamicTest(d, () -> test.accept(d)));
    }

    private static String[] tokens(int n) {
        String[] t = new String[n];
        for (int i = 0; i < n; i++) {
            t[i] = "t" + i + " ";
        }
        return t;
    }

    /**
     * Contract: per dialect, a 200-token answer arrives token by token (the first token is seen
     * while streaming), completes with finish STOP and usage, and the request on the wire carries
     * the dialect's path, key header and body.
     *
     * @return one test per dialect
     */
    @TestFactory
    public java.util.stream.Stream<DynamicTest> tokensArriveTokenByTokenInEveryDialect() {
        return perDialect(this::tokensArriveTokenByTokenEach);
    }

    private void tokensArriveTokenByTokenEach(String dialect) throws Exception {
        try (MockInferenceServer server = server(dialect); StreamingChat chat = chat(server.chatUri(), dialect).build()) {
            String[] tokens = tokens(200);
            server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(2)).withUsage(true));
            List<StreamingMessage> updates = new CopyOnWriteArrayList<>();
            chat.onUpdate(updates::add);
            String id = chat.sendMessage(List.of(Message.system("Be brief."), Message.user("count to 200")));
            StreamingMessage done = awaitDone(chat, id);
            assertThat(done.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(done.content()).isEqualTo(String.join("", tokens));
            assertThat(done.finishReason()).contains(FinishReason.STOP);
            assertThat(done.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(200));
            assertThat(done.model()).contains("mock-model");
            StreamingMessage first = updates.stream().filter(m -> !m.content().isEmpty()).findFirst().orElseThrow();
            assertThat(first.isStreaming()).isTrue();
            assertThat(first.content()).isEqualTo("t0 ");
            assertThat(updates.stream().filter(StreamingMessage::isStreaming).count()).isGreaterThanOrEqualTo(200);

            RecordedRequest request = server.takeRequest(WAIT);
            JsonNode body = JSON.readTree(request.bodyUtf8());
            assertThat(body.path("stream").asBoolean()).isTrue();
            assertThat(body.path("model").asText()).isEqualTo("mock-model");
            switch (dialect) {
                case "anthropic-messages":
                    assertThat(request.path()).isEqualTo("/v1/messages");
                    assertThat(request.header("x-api-key")).contains("sk-dialect");
                    assertThat(request.header("anthropic-version")).contains("2023-06-01");
                    assertThat(request.header("Authorization")).isEmpty();
                    assertThat(body.path("system").asText()).isEqualTo("Be brief.");
                    assertThat(body.path("max_tokens").asInt()).isPositive();
                    assertThat(body.path("messages")).hasSize(1);
                    break;
                case "openai-responses":
                    assertThat(request.path()).isEqualTo("/v1/responses");
                    assertThat(request.header("Authorization")).contains("Bearer sk-dialect");
                    assertThat(body.path("instructions").asText()).isEqualTo("Be brief.");
                    assertThat(body.path("input")).hasSize(1);
                    assertThat(body.has("messages")).isFalse();
                    break;
                default:
                    assertThat(request.path()).isEqualTo("/v1/chat/completions");
                    assertThat(request.header("Authorization")).contains("Bearer sk-dialect");
                    assertThat(body.path("messages")).hasSize(2);
            }
        }
    }

    /**
     * Contract: the same conversation with tools, a tool call and its result encodes for each
     * dialect as recorded by the server: Anthropic {@code tool_use}/{@code tool_result} blocks and
     * {@code input_schema}; Responses {@code function_call}/{@code function_call_output} items;
     * temperature, token limit and extra fields in every dialect. A header set on the builder
     * replaces the dialect's own.
     *
     * @return one test per dialect
     */
    @TestFactory
    public java.util.stream.Stream<DynamicTest> requestEncodingAsRecordedOnTheWire() {
        return perDialect(this::requestEncodingAsRecordedOnTheWireEach);
    }

    private void requestEncodingAsRecordedOnTheWireEach(String dialect) throws Exception {
        try (MockInferenceServer server = server(dialect);
                StreamingChat chat = chat(server.chatUri(), dialect).header("anthropic-version", "2099-01-01").build()) {
            JsonNode tool = JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"tide_table\","
                    + "\"description\":\"Tide times\",\"parameters\":{\"type\":\"object\"}}}");
            ChatRequest request = ChatRequest.builder().model("m-1")
                    .message(Message.system("Be brief."))
                    .message(Message.user("Tides?"))
                    .message(Message.assistant(null, List.of(ToolCall.function("call_1", "tide_table", "{\"port\":\"Brest\"}"))))
                    .message(Message.tool("call_1", "06:12"))
                    .tool(tool).temperature(0.25).maxTokens(77).extra("top_p", 0.5).build();
            StreamingMessage done = chat.send(request).result().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(done.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            RecordedRequest recorded = server.takeRequest(WAIT);
            JsonNode b = JSON.readTree(recorded.bodyUtf8());
            assertThat(b.path("model").asText()).isEqualTo("m-1");
            assertThat(b.path("temperature").asDouble()).isEqualTo(0.25);
            assertThat(b.path("top_p").asDouble()).isEqualTo(0.5);
            assertThat(recorded.headerValues("anthropic-version")).containsExactly("2099-01-01");
            switch (dialect) {
                case "anthropic-messages":
                    assertThat(b.path("max_tokens").asInt()).isEqualTo(77);
                    assertThat(b.path("system").asText()).isEqualTo("Be brief.");
                    assertThat(b.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Tides?\"},"
                            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"call_1\","
                            + "\"name\":\"tide_table\",\"input\":{\"port\":\"Brest\"}}]},"
                            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_1\","
                            + "\"content\":\"06:12\"}]}]");
                    assertThat(b.path("tools").toString()).isEqualTo("[{\"name\":\"tide_table\",\"description\":"
                            + "\"Tide times\",\"input_schema\":{\"type\":\"object\"}}]");
                    break;
                case "openai-responses":
                    assertThat(b.path("max_output_tokens").asInt()).isEqualTo(77);
                    assertThat(b.path("instructions").asText()).isEqualTo("Be brief.");
                    assertThat(b.path("input").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Tides?\"},"
                            + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"tide_table\","
                            + "\"arguments\":\"{\\\"port\\\":\\\"Brest\\\"}\"},"
                            + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"06:12\"}]");
                    assertThat(b.path("tools").toString()).isEqualTo("[{\"type\":\"function\",\"name\":\"tide_table\","
                            + "\"description\":\"Tide times\",\"parameters\":{\"type\":\"object\"}}]");
                    break;
                default:
                    assertThat(b.path("max_tokens").asInt()).isEqualTo(77);
                    assertThat(b.path("messages")).hasSize(4);
                    assertThat(b.path("messages").get(2).path("tool_calls").get(0).path("id").asText()).isEqualTo("call_1");
                    assertThat(b.path("tools").get(0).path("function").path("name").asText()).isEqualTo("tide_table");
            }
        }
    }

    /**
     * Contract: per dialect, cancelling mid-stream closes the connection and leaves the message
     * CANCELLED with the content received so far.
     *
     * @return one test per dialect
     */
    @TestFactory
    public java.util.stream.Stream<DynamicTest> cancelMidStreamInEveryDialect() {
        return perDialect(this::cancelMidStreamEach);
    }

    private void cancelMidStreamEach(String dialect) {
        try (MockInferenceServer server = server(dialect); StreamingChat chat = chat(server.chatUri(), dialect).build()) {
            String[] tokens = tokens(2_000);
            server.enqueue(MockResponse.chatTokens(tokens).withTokenDelay(Duration.ofMillis(5)));
            String id = chat.sendMessage(List.of(Message.user("long")));
            await().atMost(WAIT).until(() -> chat.message(id).orElseThrow().content().length() > 20);
            assertThat(chat.cancelStream(id)).isTrue();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> server.openConnections() == 0);
            StreamingMessage m = chat.message(id).orElseThrow();
            assertThat(m.state()).isEqualTo(StreamingMessage.State.CANCELLED);
            assertThat(m.content()).isNotEmpty();
            assertThat(String.join("", tokens)).startsWith(m.content());
        }
    }

    /**
     * Contract: per dialect, errors before the stream are typed (the dialect's error body is
     * read: type, message), 401 is never retried and never echoes the key, an overloaded 5xx
     * (Anthropic's 529) is retried and then succeeds.
     *
     * @return one test per dialect
     */
    @TestFactory
    public java.util.stream.Stream<DynamicTest> errorsBeforeTheStreamInEveryDialect() {
        return perDialect(this::errorsBeforeTheStreamEach);
    }

    private void errorsBeforeTheStreamEach(String dialect) {
        boolean anthropic = dialect.equals("anthropic-messages");
        try (MockInferenceServer server = server(dialect); StreamingChat chat = chat(server.chatUri(), dialect).build()) {
            try (StreamingChat wrongKey = StreamingChat.builder(server.chatUri()).transport(newTransport())
                    .dialect(Dialect.named(dialect)).apiKey("sk-wrong").model("mock-model").build()) {
                StreamingMessage unauthorized = awaitDone(wrongKey, wrongKey.sendMessage(List.of(Message.user("x"))));
                assertThat(unauthorized.state()).isEqualTo(StreamingMessage.State.ERROR);
                HttpStatusException e401 = (HttpStatusException) unauthorized.failure().orElseThrow();
                assertThat(e401.status()).isEqualTo(401);
                assertThat(e401.error()).hasValueSatisfying(d -> assertThat(d.type())
                        .contains(anthropic ? "authentication_error" : "invalid_request_error"));
                assertThat(e401.getMessage()).doesNotContain("sk-wrong").doesNotContain("sk-dialect");
                assertThat(server.requests()).hasSize(1);
            }
            int status = anthropic ? 529 : 503;
            String body = anthropic ? "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
                    : "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
            server.enqueue(MockResponse.error(status, body));
            server.enqueue(MockResponse.chatTokens("after", " retry"));
            StreamingMessage retried = awaitDone(chat, chat.sendMessage(List.of(Message.user("z"))));
            assertThat(retried.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(retried.content()).isEqualTo("after retry");
            assertThat(server.requests()).hasSize(3);

            server.enqueue(MockResponse.error(400, anthropic
                    ? "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: too large\"}}"
                    : "{\"error\":{\"message\":\"bad input\",\"type\":\"invalid_request_error\",\"param\":\"input\",\"code\":null}}"));
            StreamingMessage bad = awaitDone(chat, chat.sendMessage(List.of(Message.user("bad"))));
            HttpStatusException e400 = (HttpStatusException) bad.failure().orElseThrow();
            assertThat(e400.status()).isEqualTo(400);
            assertThat(e400.error()).hasValueSatisfying(d -> assertThat(d.message())
                    .isEqualTo(anthropic ? "max_tokens: too large" : "bad input"));
            assertThat(server.requests()).hasSize(4);
        }
    }

    /**
     * Contract: an error event in the middle of an Anthropic or Responses stream ends the
     * message in ERROR with the partial content, the error's type and message (and, for
     * Responses, the usage of the {@code response.failed} that follows).
     */
    @Test
    public void errorEventsInsideTheStreamKeepThePartialContent() {
        try (MockInferenceServer server = server("anthropic-messages");
                StreamingChat chat = chat(server.chatUri(), "anthropic-messages").build()) {
            server.enqueue(MockResponse.stream()
                    .write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_e\","
                            + "\"model\":\"mock-model\",\"role\":\"assistant\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n")
                    .write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"so far\"}}\n\n")
                    .write("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")
                    .end());
            StreamingMessage m = awaitDone(chat, chat.sendMessage(List.of(Message.user("x"))));
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.content()).isEqualTo("so far");
            assertThat(m.error()).hasValueSatisfying(e -> {
                assertThat(e.type()).contains("overloaded_error");
                assertThat(e.message()).isEqualTo("Overloaded");
            });
            assertThat(server.requests()).hasSize(1);
        }
        try (MockInferenceServer server = server("openai-responses");
                StreamingChat chat = chat(server.chatUri(), "openai-responses").build()) {
            server.enqueue(MockResponse.stream()
                    .write("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                            + "\"item_id\":\"m1\",\"output_index\":0,\"content_index\":0,\"delta\":\"part\"}\n\n")
                    .write("event: error\ndata: {\"type\":\"error\",\"sequence_number\":2,\"code\":\"server_error\","
                            + "\"message\":\"boom\",\"param\":null}\n\n")
                    .write("event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"r1\","
                            + "\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"boom\"},"
                            + "\"usage\":{\"input_tokens\":2,\"output_tokens\":1,\"total_tokens\":3}}}\n\n")
                    .stall().end());
            StreamingMessage m = awaitDone(chat, chat.sendMessage(List.of(Message.user("x"))));
            assertThat(m.state()).isEqualTo(StreamingMessage.State.ERROR);
            assertThat(m.content()).isEqualTo("part");
            assertThat(m.error()).hasValueSatisfying(e -> assertThat(e.code()).contains("server_error"));
            assertThat(m.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(3));
        }
    }

    /**
     * Contract: the dialect's terminal event ends the message at once, even when the server keeps
     * the connection open and no finish reason came (Anthropic {@code message_stop}, Responses
     * {@code response.completed}); the connection is then released.
     *
     * @return one test per dialect
     */
    @TestFactory
    public java.util.stream.Stream<DynamicTest> theTerminalEventEndsTheStreamWithoutWaitingForTheServer() {
        return perDialect(this::theTerminalEventEndsTheStreamWithoutWaitingForTheServerEach, "anthropic-messages", "openai-responses");
    }

    private void theTerminalEventEndsTheStreamWithoutWaitingForTheServerEach(String dialect) {
        boolean anthropic = dialect.equals("anthropic-messages");
        try (MockInferenceServer server = server(dialect);
                StreamingChat chat = chat(server.chatUri(), dialect).idleTimeout(Duration.ofMinutes(5)).build()) {
            MockResponse.Builder script = MockResponse.stream();
            if (anthropic) {
                script.write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"short\"}}\n\n")
                        .write("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            } else {
                script.write("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                        + "\"item_id\":\"m1\",\"delta\":\"short\"}\n\n")
                        .write("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":"
                                + "{\"id\":\"r1\",\"status\":\"completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n");
            }
            server.enqueue(script.stall().end());
            StreamingMessage m = awaitDone(chat, chat.sendMessage(List.of(Message.user("x"))));
            assertThat(m.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(m.content()).isEqualTo("short");
        }
    }

    /**
     * Contract: a chat stream whose last event ends at EOF without its blank line (a proxy
     * trimmed the trailing newlines) still gets that event when it holds a complete JSON chunk;
     * a last event cut inside its JSON is dropped and the message is TRUNCATED.
     */
    @Test
    public void aLastEventWithoutItsBlankLineIsAcceptedWhenItIsCompleteJson() {
        try (MockInferenceServer server = MockInferenceServer.start();
                StreamingChat chat = chat(server.chatUri(), "openai-chat").build()) {
            server.enqueue(MockResponse.stream()
                    .write("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Trimmed\"}}]}\n\n")
                    .write("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tail\"},"
                            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}")
                    .end());
            StreamingMessage m = awaitDone(chat, chat.sendMessage(List.of(Message.user("x"))));
            assertThat(m.state()).isEqualTo(StreamingMessage.State.COMPLETED);
            assertThat(m.content()).isEqualTo("Trimmed tail");
            assertThat(m.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(3));

            server.enqueue(MockResponse.stream()
                    .write("data: {\"id\":\"c2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Cut\"}}]}\n\n")
                    .write("data: {\"id\":\"c2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" of").end());
            StreamingMessage cut = awaitDone(chat, chat.sendMessage(List.of(Message.user("y"))));
            assertThat(cut.state()).isEqualTo(StreamingMessage.State.TRUNCATED);
            assertThat(cut.content()).isEqualTo("Cut");
        }
    }
}
