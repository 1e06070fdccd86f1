package io.noa.realtime.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.noa.realtime.testkit.MockInferenceServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs README's first program, {@link FirstAnswer}, against the testkit inference server. */
class FirstAnswerTest {
    @Test
    void printsTheAnswerTokenByTokenThenTheState() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (MockInferenceServer server = MockInferenceServer.builder().defaultReply("Hello from the mock").start()) {
            FirstAnswer.main(new String[] {server.chatUri().toString()});
        } finally {
            System.setOut(original);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("Hello from the mock", "COMPLETED");
    }
}
