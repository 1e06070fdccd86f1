package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockInferenceServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"gpt-test\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hello big world\"}]}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MockInferenceServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> post(URI uri, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> dataLines(String sse) {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring(6));
            }
        }
        return out;
    }

    @Test
    void defaultAnswerEchoesTheLastUserMessageAsOpenAiChunks() throws Exception {
        server = MockInferenceServer.start();
        HttpResponse<String> res = post(server.chatUri(), CHAT);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> data = dataLines(res.body());
        assertThat(data).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            chunks.add(JSON.readTree(d));
        }
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).startsWith("chatcmpl-");
            assertThat(c.get("model").asText()).isEqualTo("gpt-test");
            assertThat(c.get("created").isNumber()).isTrue();
        });
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        for (JsonNode c : chunks.subList(1, chunks.size() - 2)) {
            assertThat(c.at("/choices/0/finish_reason").isNull()).isTrue();
            content.append(c.at("/choices/0/delta/content").asText());
        }
        assertThat(content).hasToString("hello big world");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/delta").size()).isZero();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices").size()).isZero();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(usage.at("/usage/prompt_tokens").asInt() + 3);

        RecordedRequest req = server.takeRequest(Duration.ofSeconds(5));
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.path()).isEqualTo("/v1/chat/completions");
        assertThat(req.bodyUtf8()).isEqualTo(CHAT);
        assertThat(req.header("CONTENT-length")).hasValue(String.valueOf(CHAT.length()));
    }

    @Test
    void nonStreamingRequestGetsACompleteCompletion() throws Exception {
        server = MockInferenceServer.builder().defaultReply("fixed answer").start();
        HttpResponse<String> res = post(server.chatUri(), "{\"model\":\"m\",\"messages\":[]}");
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("fixed answer");
    }

    @Test
    void queuedResponsesAreServedInOrderThenTheDefault() throws Exception {
        server = MockInferenceServer.start();
        server.enqueue(MockResponse.chatTokens("A", "B").withoutDone());
        server.enqueue(MockResponse.error(429, "{\"error\":{\"message\":\"slow\"}}").withHeader("Retry-After", "1"));
        server.enqueue(MockResponse.error(503, "overloaded"));

        HttpResponse<String> first = post(server.chatUri(), "{}");
        assertThat(dataLines(first.body())).hasSize(4).doesNotContain("[DONE]");
        HttpResponse<String> second = post(server.baseUri().resolve("/any/path"), "x");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("retry-after")).hasValue("1");
        assertThat(second.body()).isEqualTo("{\"error\":{\"message\":\"slow\"}}");
        HttpResponse<String> third = post(server.chatUri(), "{}");
        assertThat(third.statusCode()).isEqualTo(503);
        JsonNode error = JSON.readTree(third.body()).get("error");
        assertThat(error.get("message").asText()).isEqualTo("overloaded");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.has("param")).isTrue();
        assertThat(post(server.chatUri(), CHAT).body()).contains("data: [DONE]");
        assertThat(post(server.baseUri().resolve("/nope"), CHAT).statusCode()).isEqualTo(404);
        assertThat(server.requests()).hasSize(5);
    }

    @Test
    void apiKeyIsRequired() throws Exception {
        server = MockInferenceServer.builder().apiKey("sk-test").start();
        HttpResponse<String> denied = post(server.chatUri(), CHAT);
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(denied.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(post(server.chatUri(), CHAT, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(post(server.chatUri(), CHAT, "Authorization", "Bearer sk-test").statusCode()).isEqualTo(200);
    }

    @Test
    void keepAliveReusesConnections() throws Exception {
        server = MockInferenceServer.start();
        for (int i = 0; i < 2000; i++) {
            assertThat(post(server.chatUri(), CHAT).statusCode()).isEqualTo(200);
        }
        assertThat(server.totalConnections()).isLessThanOrEqualTo(2);
        assertThat(server.openConnections()).isLessThanOrEqualTo(server.totalConnections());
        assertThat(server.requests()).extracting(RecordedRequest::connectionId).containsOnly(0);
    }

    @Test
    void awaitReleaseHoldsTheRestOfTheBody() throws Exception {
        server = MockInferenceServer.start();
        server.enqueue(MockResponse.stream().header("X-Test", "yes").write("data: one\n\n").awaitRelease()
                .write("data: two\n\n").end());
        HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(server.chatUri())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.headers().firstValue("x-test")).hasValue("yes");
        try (InputStream in = res.body()) {
            byte[] first = in.readNBytes("data: one\n\n".length());
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("data: one\n\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.awaitingRelease() == 1);
            server.release();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: two\n\n");
        }
    }

    @Test
    void writeInPiecesAndHeartbeatsArriveIntact() throws Exception {
        server = MockInferenceServer.start();
        byte[] text = "data: héllo wörld\n\n".getBytes(StandardCharsets.UTF_8);
        server.enqueue(MockResponse.stream().writeInPieces(text, 1)
                .heartbeatComments(Duration.ofMillis(1), 2).end());
        String body = post(server.chatUri(), "{}").body();
        assertThat(body).isEqualTo("data: héllo wörld\n\n: heartbeat\n\n: heartbeat\n\n");
        assertThat(server.bodyBytesWritten()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void closeAbruptlyTruncatesTheBody() {
        server = MockInferenceServer.start();
        server.enqueue(MockResponse.stream().write("data: partial\n\n").closeAbruptly());
        assertThatThrownBy(() -> post(server.chatUri(), "{}")).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    @Test
    void writeForeverStopsWhenTheClientStopsReading() throws Exception {
        server = MockInferenceServer.start();
        server.enqueue(MockResponse.stream().writeForever(new byte[8192]));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setReceiveBufferSize(64 * 1024);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            AtomicLong last = new AtomicLong(-1);
            // the count settles once socket buffers are full: the server does not buffer without bound
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = server.bodyBytesWritten();
                return now > 0 && now == last.getAndSet(now);
            });
            long stalled = server.bodyBytesWritten();
            assertThat(stalled).isLessThan(32L * 1024 * 1024);
            InputStream in = socket.getInputStream();
            in.readNBytes(4 * 1024 * 1024);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.bodyBytesWritten() > stalled);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    @Test
    void servesTls() throws Exception {
        TestCertificate cert = TestCertificate.create();
        server = MockInferenceServer.builder().tls(cert).defaultReply("secure").start();
        assertThat(server.baseUri().getScheme()).isEqualTo("https");
        HttpClient tlsClient = HttpClient.newBuilder().sslContext(cert.clientContext()).build();
        HttpResponse<String> res = tlsClient.send(HttpRequest.newBuilder(server.chatUri())
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.body()).contains("\"content\":\"secure\"");
        // a client that does not trust the certificate fails
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(server.chatUri())
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void tooLargeBodyIsRefusedWithAClearError() throws Exception {
        server = MockInferenceServer.builder().maxRequestBodySize(1000).start();
        HttpResponse<String> res = post(server.chatUri(), "x".repeat(2000));
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).contains("maxRequestBodySize");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void takeRequestTimesOut() {
        server = MockInferenceServer.start();
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(50)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no request");
    }

    @Test
    void scriptBuilderRejectsStepsAfterATerminalStep() {
        assertThatThrownBy(() -> MockResponse.stream().stall().write("x"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MockResponse.error(500, "x").withUsage(true))
                .isInstanceOf(IllegalStateException.class);
    }
}
