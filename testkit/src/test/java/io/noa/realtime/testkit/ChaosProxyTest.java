package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChaosProxyTest {
    private static final String CHAT = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}]}";

    private MockInferenceServer server;
    private ChaosProxy proxy;

    @BeforeEach
    void setUp() {
        server = MockInferenceServer.start();
        proxy = ChaosProxy.start(server.port());
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        server.close();
    }

    private String post(URI uri) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private Socket rawPost() throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setSoTimeout(5000);
        s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + CHAT.length()
                + "\r\n\r\n" + CHAT).getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    @Test
    void forwardsUnchangedWithFragmentsAndLatency() throws Exception {
        URI uri = proxy.proxied(server.chatUri());
        assertThat(uri.getPort()).isEqualTo(proxy.port());
        assertThat(uri.getPath()).isEqualTo("/v1/chat/completions");
        String direct = post(server.chatUri()).replaceAll("chatcmpl-mock\\d+", "ID").replaceAll("\"created\":\\d+", "");
        String viaProxy = post(uri).replaceAll("chatcmpl-mock\\d+", "ID").replaceAll("\"created\":\\d+", "");
        assertThat(viaProxy).isEqualTo(direct).contains("data: [DONE]");

        proxy.fragment(1).latency(Duration.ofMillis(0));
        String fragmented = post(uri).replaceAll("chatcmpl-mock\\d+", "ID").replaceAll("\"created\":\\d+", "");
        assertThat(fragmented).isEqualTo(direct);
        proxy.fragment(7).latency(Duration.ofMillis(1));
        assertThat(post(uri).replaceAll("chatcmpl-mock\\d+", "ID").replaceAll("\"created\":\\d+", "")).isEqualTo(direct);
        assertThat(server.requests()).hasSize(4);
    }

    @Test
    void cutsEachNewConnectionAfterNBytesDownstream() throws Exception {
        proxy.cutAfterBytes(100);
        try (Socket s = rawPost()) {
            byte[] got = s.getInputStream().readAllBytes();
            assertThat(got).hasSize(100);
            assertThat(new String(got, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK");
        }
        proxy.passThrough();
        assertThat(post(proxy.proxied(server.chatUri()))).contains("data: [DONE]");
    }

    @Test
    void cutAllConnectionsDropsOpenStreams() throws Exception {
        server.enqueue(MockResponse.stream().write("data: first\n\n").stall());
        try (Socket s = rawPost()) {
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo('H');
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 1);
            proxy.cutAllConnections();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
            // the stalled stream never ends by itself: EOF or a reset must come from the cut
            try {
                in.readAllBytes();
            } catch (SocketTimeoutException e) {
                fail("the connection was not cut", e);
            } catch (IOException expected) {
                // connection reset
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    @Test
    void blackHoleKeepsSocketsOpenButForwardsNothing() throws Exception {
        proxy.blackHole(true);
        try (Socket s = rawPost()) {
            s.setSoTimeout(300);
            try {
                int b = s.getInputStream().read();
                fail("nothing should arrive through a black hole, got " + b);
            } catch (SocketTimeoutException expected) {
                // nothing arrived, and the connection is still open
            }
            assertThat(proxy.openConnections()).isEqualTo(1);
            assertThat(server.requests()).isEmpty();
        }
        proxy.blackHole(false);
        assertThat(post(proxy.proxied(server.chatUri()))).contains("data: [DONE]");
    }
}
