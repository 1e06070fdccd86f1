package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The servers' command lines: flags start them as documented, help and typos are answered. */
class CommandLineTest {
    private static final Pattern URL = Pattern.compile("listening on (\\S+)");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private URI printedUrl() {
        Matcher m = URL.matcher(printed());
        assertThat(m.find()).as(printed()).isTrue();
        return URI.create(m.group(1));
    }

    @Test
    void mockInferenceServerStreamsTheReplyGivenOnTheCommandLine() throws Exception {
        CommandLine.Outcome o = MockInferenceServer.COMMAND_LINE.start(new String[] {"--port", "0", "--reply",
            "Hello from the command line", "--api-key", "sk-cli", "--token-delay-ms", "0"}, out,
                MockInferenceServer::fromCommandLine);
        try (AutoCloseable server = o.server) {
            assertThat(o.status).isZero();
            URI url = printedUrl();
            assertThat(url.getPath()).isEqualTo("/v1/chat/completions");
            assertThat(printed()).contains("try: curl -N " + url).doesNotContain("sk-cli");

            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url)
                    .header("Authorization", "Bearer sk-cli").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body().replaceAll("(?s)[^\\n]*\"content\":\"([^\"]*)\"[^\\n]*\\n?|[^\\n]*\\n?", "$1"))
                    .isEqualTo("Hello from the command line");

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"messages\":[]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void eventStreamServerTicksAtTheGivenRate() throws Exception {
        CommandLine.Outcome o = EventStreamServer.COMMAND_LINE.start(new String[] {"--port", "0", "--every-ms", "20"},
                out, EventStreamServer::fromCommandLine);
        try (AutoCloseable server = o.server) {
            URI url = printedUrl();
            assertThat(url.getPath()).isEqualTo("/events");
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/event-stream"));
            try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                do {
                    line = body.readLine();
                } while (line != null && !line.startsWith("data: tick "));
                assertThat(line).startsWith("data: tick ");
            }
        }
    }

    @Test
    void roomServerAcceptsWebSocketsOnTheGivenPort() throws Exception {
        CommandLine.Outcome o = RoomServer.COMMAND_LINE.start(new String[] {"--port", "0", "--token", "t-a=alice",
            "--token", "t-b=bob"}, out, RoomServer::fromCommandLine);
        try (AutoCloseable server = o.server) {
            URI url = printedUrl();
            assertThat(url.getScheme()).isEqualTo("ws");
            WebSocket ws = http.newWebSocketBuilder().buildAsync(url, new WebSocket.Listener() {})
                    .get(10, TimeUnit.SECONDS);
            ws.abort();
        }
    }

    @Test
    void helpListsEveryFlagAndTheExecLine() {
        CommandLine.Outcome o = RoomServer.COMMAND_LINE.start(new String[] {"--help"}, out, RoomServer::fromCommandLine);

        assertThat(o.status).isZero();
        assertThat(o.server).isNull();
        assertThat(printed()).startsWith("usage: RoomServer").contains("--port N", "--token TOKEN=USER", "--forbid-room")
                .contains("exec:java -Dexec.mainClass=io.noa.realtime.testkit.RoomServer");
    }

    @Test
    void aMistypedFlagIsNamedWithASuggestionAndNothingStarts() {
        CommandLine.Outcome o = MockInferenceServer.COMMAND_LINE.start(new String[] {"--prot", "8080"}, out,
                MockInferenceServer::fromCommandLine);

        assertThat(o.status).isEqualTo(2);
        assertThat(o.server).isNull();
        assertThat(printed()).contains("error: unknown argument '--prot', did you mean '--port'?")
                .contains("usage: MockInferenceServer");
    }

    @Test
    void badValuesAreRefusedWithTheFlagsName() {
        CommandLine.Outcome port = EventStreamServer.COMMAND_LINE.start(new String[] {"--port", "http"}, out,
                EventStreamServer::fromCommandLine);
        assertThat(port.status).isEqualTo(2);
        assertThat(printed()).contains("error: --port needs a number, was 'http'");

        CommandLine.Outcome token = RoomServer.COMMAND_LINE.start(new String[] {"--port", "0", "--token", "alice"}, out,
                RoomServer::fromCommandLine);
        assertThat(token.status).isEqualTo(2);
        assertThat(printed()).contains("error: --token needs TOKEN=USER");

        CommandLine.Outcome missing = RoomServer.COMMAND_LINE.start(new String[] {"--port"}, out,
                RoomServer::fromCommandLine);
        assertThat(missing.status).isEqualTo(2);
        assertThat(printed()).contains("error: --port needs a value (N)");
    }
}
