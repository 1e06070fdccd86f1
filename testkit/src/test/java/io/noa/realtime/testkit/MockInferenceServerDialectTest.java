package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MockInferenceServer} speaking Anthropic Messages and OpenAI Responses. */
class MockInferenceServerDialectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> post(URI uri, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** (event name, data) pairs of an SSE body. */
    private static List<String[]> events(String sse) throws Exception {
        List<String[]> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (data != null) {
                assertThat(JSON.readTree(data).path("type").asText()).as("event name = data.type").isEqualTo(name);
                out.add(new String[] {name, data});
            }
        }
        return out;
    }

    @Test
    void anthropicMessagesStreamAuthAndErrors() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().dialect("anthropic-messages").apiKey("sk-ant")
                .start()) {
            assertThat(server.chatUri().getPath()).isEqualTo("/v1/messages");
            assertThat(server.dialect()).isEqualTo("anthropic-messages");
            String body = "{\"model\":\"claude-x\",\"max_tokens\":50,\"stream\":true,\"system\":\"be brief\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello big world\"}]}]}";
            HttpResponse<String> ok = post(server.chatUri(), body, "x-api-key", "sk-ant", "anthropic-version", "2023-06-01");
            assertThat(ok.statusCode()).isEqualTo(200);
            List<String[]> ev = events(ok.body());
            assertThat(ev).extracting(e -> e[0]).containsExactly("message_start", "content_block_start", "ping",
                    "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                    "message_delta", "message_stop");
            StringBuilder text = new StringBuilder();
            for (String[] e : ev) {
                JsonNode d = JSON.readTree(e[1]);
                if (e[0].equals("content_block_delta")) {
                    text.append(d.path("delta").path("text").asText());
                }
            }
            assertThat(text).hasToString("hello big world");
            JsonNode start = JSON.readTree(ev.get(0)[1]).path("message");
            assertThat(start.path("model").asText()).isEqualTo("claude-x");
            assertThat(start.path("usage").path("input_tokens").asInt()).isEqualTo(3);
            JsonNode delta = JSON.readTree(ev.get(7)[1]);
            assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(3);

            HttpResponse<String> bearer = post(server.chatUri(), body, "Authorization", "Bearer sk-ant");
            assertThat(bearer.statusCode()).isEqualTo(401);
            JsonNode err = JSON.readTree(bearer.body());
            assertThat(err.path("type").asText()).isEqualTo("error");
            assertThat(err.path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(bearer.body()).doesNotContain("sk-ant");

            server.enqueue(MockResponse.chatTokens("A", "B").withoutDone());
            List<String[]> noStop = events(post(server.chatUri(), body, "x-api-key", "sk-ant").body());
            assertThat(noStop).extracting(e -> e[0]).doesNotContain("message_stop").contains("message_delta");

            HttpResponse<String> whole = post(server.chatUri(), body.replace("\"stream\":true,", ""), "x-api-key", "sk-ant");
            JsonNode message = JSON.readTree(whole.body());
            assertThat(message.path("type").asText()).isEqualTo("message");
            assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("hello big world");
        }
    }

    @Test
    void openAiResponsesStream() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.builder().dialect("responses").apiKey("sk-r")
                .defaultReply("Low tide soon").start()) {
            assertThat(server.chatUri().getPath()).isEqualTo("/v1/responses");
            assertThat(server.dialect()).isEqualTo("openai-responses");
            String body = "{\"model\":\"gpt-r\",\"stream\":true,\"instructions\":\"be brief\",\"input\":\"tide?\"}";
            HttpResponse<String> ok = post(server.chatUri(), body, "Authorization", "Bearer sk-r");
            assertThat(ok.statusCode()).isEqualTo(200);
            List<String[]> ev = events(ok.body());
            assertThat(ev).extracting(e -> e[0]).containsExactly("response.created", "response.in_progress",
                    "response.output_item.added", "response.output_text.delta", "response.output_text.delta",
                    "response.output_text.delta", "response.output_text.done", "response.output_item.done",
                    "response.completed");
            long seq = -1;
            for (String[] e : ev) {
                long s = JSON.readTree(e[1]).path("sequence_number").asLong();
                assertThat(s).isGreaterThan(seq);
                seq = s;
            }
            JsonNode completed = JSON.readTree(ev.get(8)[1]).path("response");
            assertThat(completed.path("status").asText()).isEqualTo("completed");
            assertThat(completed.path("model").asText()).isEqualTo("gpt-r");
            assertThat(completed.path("usage").path("output_tokens").asInt()).isEqualTo(3);
            assertThat(completed.path("usage").path("total_tokens").asInt()).isEqualTo(4);

            HttpResponse<String> refused = post(server.chatUri(), body);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        }
    }

    @Test
    void unknownDialectIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> MockInferenceServer.builder().dialect("gemini"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("anthropic-messages");
    }

    @Test
    void commandLineTakesTheDialect() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandLine.Outcome o = MockInferenceServer.COMMAND_LINE.start(new String[] {"--port", "0", "--dialect",
            "anthropic-messages", "--token-delay-ms", "0", "--api-key", "sk-cli"}, out, MockInferenceServer::fromCommandLine);
        try (AutoCloseable server = o.server) {
            assertThat(o.status).isZero();
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("(anthropic-messages)").contains("/v1/messages").contains("x-api-key")
                    .doesNotContain("sk-cli");
        }
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        MockInferenceServer.COMMAND_LINE.start(new String[] {"--help"}, new PrintStream(help, true, StandardCharsets.UTF_8),
                MockInferenceServer::fromCommandLine);
        assertThat(help.toString(StandardCharsets.UTF_8)).contains("--dialect");
    }
}
