package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.testkit.MockInferenceServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoTest {
    private static final InputStream NO_INPUT = new ByteArrayInputStream(new byte[0]);

    private static final class Run {
        final int status;
        final String out;

        Run(int status, String out) {
            this.status = status;
            this.out = out;
        }
    }

    private static Run run(InputStream in, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = Demo.run(args, out, in);
        return new Run(status, bytes.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netty"})
    void streamsTheAnswerThenPlaysTheRoomScene(String transport) {
        Run r = run(NO_INPUT, "--transport", transport);

        assertThat(r.status).as(r.out).isZero();
        assertThat(r.out).contains("[demo] transport: " + transport)
                .contains(Demo.REPLY)
                .contains("[state] http DISCONNECTED -> CONNECTING", "[state] http CONNECTING -> CONNECTED")
                .contains("[state] alice DISCONNECTED -> CONNECTING", "[state] alice CONNECTING -> CONNECTED")
                .contains("[bob] sees alice online on terminal")
                .contains("[bob] typing now: [alice]", "[bob] typing now: nobody")
                .contains("[alice] ack ok, id ")
                .contains("[bob] received the assistant answer: " + Demo.REPLY.length() + " chars")
                .containsPattern("\\[summary\\] answers: 1, tokens: \\d+, time to first token: [0-9.]+ ms, "
                        + "[0-9.]+ tokens/s, room messages acked: 2, transport: " + transport);
        // the answer comes before the room scene
        assertThat(r.out.indexOf(Demo.REPLY)).isLessThan(r.out.indexOf("[room] RoomServer on"));
    }

    @Test
    void interactiveModeAnswersEachLineUntilAnEmptyOne() {
        InputStream in = new ByteArrayInputStream("first question\nsecond one\n\nnot read\n"
                .getBytes(StandardCharsets.UTF_8));
        Run r = run(in, "--interactive");

        assertThat(r.status).as(r.out).isZero();
        // the embedded server echoes the last user message when no reply is configured
        assertThat(r.out).contains("first question\n").contains("second one\n").doesNotContain("not read")
                .contains("[summary] answers: 2,");
    }

    @Test
    void streamsFromAnExternalEndpointWithoutPrintingTheKey() {
        String key = "sk-test-DO-NOT-PRINT-4711";
        try (MockInferenceServer external = MockInferenceServer.builder().apiKey(key)
                .defaultReply("An answer from elsewhere.").tokenDelay(Duration.ofMillis(1)).start()) {
            Run r = run(NO_INPUT, "--url", external.chatUri().toString(), "--api-key", key, "--model", "m-1");

            assertThat(r.status).as(r.out).isZero();
            assertThat(r.out).contains("An answer from elsewhere.").contains("API key set").doesNotContain(key)
                    .contains("[summary] answers: 1,");
            assertThat(external.requests()).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"anthropic-messages", "openai-responses"})
    void theEmbeddedServerSpeaksTheDialectGiven(String dialect) {
        Run r = run(NO_INPUT, "--dialect", dialect, "--transport", "jdk");

        assertThat(r.status).as(r.out).isZero();
        assertThat(r.out).contains("[demo] embedded inference server (" + dialect + ")").contains(Demo.REPLY)
                .contains("[summary] answers: 1,");
    }

    @Test
    void streamsFromAnExternalAnthropicEndpointWithTheKeyInXApiKey() {
        String key = "sk-ant-DO-NOT-PRINT-4712";
        try (MockInferenceServer external = MockInferenceServer.builder().dialect("anthropic-messages").apiKey(key)
                .defaultReply("Claude says hi.").tokenDelay(Duration.ofMillis(1)).start()) {
            Run r = run(NO_INPUT, "--dialect", "anthropic", "--url", external.chatUri().toString(), "--api-key", key);

            assertThat(r.status).as(r.out).isZero();
            assertThat(r.out).contains("Claude says hi.").contains("model claude-sonnet-4-5").doesNotContain(key);
            assertThat(external.requests()).singleElement().satisfies(req -> {
                assertThat(req.header("x-api-key")).contains(key);
                assertThat(req.bodyUtf8()).contains("\"system\":");
            });
        }
        Run bad = run(NO_INPUT, "--dialect", "gemini");
        assertThat(bad.status).isEqualTo(2);
        assertThat(bad.out).contains("--dialect must be openai-chat, anthropic-messages or openai-responses");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        Run r = run(NO_INPUT, "--help");

        assertThat(r.status).isZero();
        assertThat(r.out).startsWith("usage: Demo").contains("--transport jdk|netty", "--dialect NAME", "--interactive");
    }

    @Test
    void badFlagsPrintUsageAndReturnTwo() {
        Run unknown = run(NO_INPUT, "--bogus", "sk-secret");
        assertThat(unknown.status).isEqualTo(2);
        assertThat(unknown.out).contains("error: unknown argument '--bogus'").contains("usage: Demo")
                .doesNotContain("sk-secret");

        Run stray = run(NO_INPUT, "sk-secret");
        assertThat(stray.status).isEqualTo(2);
        assertThat(stray.out).contains("error: unexpected argument #1").doesNotContain("sk-secret");

        Run badTransport = run(NO_INPUT, "--transport", "carrier-pigeon");
        assertThat(badTransport.status).isEqualTo(2);
        assertThat(badTransport.out).contains("--transport must be jdk or netty");

        Run missingValue = run(NO_INPUT, "--url");
        assertThat(missingValue.status).isEqualTo(2);
        assertThat(missingValue.out).contains("--url needs a value");

        Run keyWithoutUrl = run(NO_INPUT, "--api-key", "sk-secret");
        assertThat(keyWithoutUrl.status).isEqualTo(2);
        assertThat(keyWithoutUrl.out).contains("--api-key and --model need --url").doesNotContain("sk-secret");
    }

    @Test
    void aMistypedFlagIsNamedWithASuggestion() {
        Run r = run(NO_INPUT, "--trasnport", "jdk");

        assertThat(r.status).isEqualTo(2);
        assertThat(r.out).contains("error: unknown argument '--trasnport', did you mean '--transport'?");

        Run far = run(NO_INPUT, "--colour");
        assertThat(far.out).contains("error: unknown argument '--colour'").doesNotContain("did you mean");
    }

    @Test
    void aFlagLookingLikeASecretIsNotEchoed() {
        Run r = run(NO_INPUT, "--sk-proj-4f9a8b7c6d5e");

        assertThat(r.status).isEqualTo(2);
        assertThat(r.out).contains("error: unknown argument #1").doesNotContain("4f9a8b7c6d5e");
    }

    @Test
    void aDeadUrlPrintsTheFailureAndExitsNonZeroWithoutBroadcastingOrATimeToFirstToken() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + deadPort + "/v1/chat/completions";

        Run r = run(NO_INPUT, "--url", url, "--api-key", "sk-never-printed");

        assertThat(r.status).as(r.out).isEqualTo(1);
        assertThat(r.out).containsPattern("error: the answer ended ERROR: [A-Za-z.]*Exception: .*127\\.0\\.0\\.1:" + deadPort)
                .contains("hint: nothing accepted a connection at 127.0.0.1:" + deadPort)
                .contains("[room] no answer to broadcast")
                .doesNotContain("received the assistant answer")
                .doesNotContain("[bob] alice says: \n")
                .contains("time to first token: n/a")
                .containsPattern("\\[summary\\] answers: 0 of 1 completed")
                .doesNotContain("sk-never-printed");
    }

    @Test
    void anUnauthorizedAnswerHintsAtTheApiKey() {
        try (MockInferenceServer external = MockInferenceServer.builder().apiKey("sk-right").start()) {
            Run r = run(NO_INPUT, "--url", external.chatUri().toString(), "--api-key", "sk-wrong-key-12345");

            assertThat(r.status).as(r.out).isEqualTo(1);
            assertThat(r.out).contains("HttpStatusException").contains("401")
                    .contains("hint: the server refused the credentials: check --api-key")
                    .doesNotContain("sk-wrong-key-12345");
        }
    }
}
