package io.noa.realtime.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.sse.SseClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the retry-listener example against a loopback port where nothing listens. */
class ObservabilityExamplesTest {
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
