package io.noa.realtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HostileServerTest {
    private static final String GET = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: sk-planted\r\n\r\n";

    private static Socket connect(HostileServer server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String readAll(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < n) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void neverAnswersHoldsTheConnectionUntilTheClientCloses() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers())) {
            Socket s = connect(server);
            s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.requestHeads().size() == 1);
            assertThat(server.connectionsOpen()).isEqualTo(1);
            assertThat(server.awaitAllClosed(Duration.ofMillis(200))).isFalse();
            s.close();
            assertThat(server.awaitAllClosed(Duration.ofSeconds(10))).isTrue();
            assertThat(server.connectionsAccepted()).isEqualTo(1);
            assertThat(HostileServer.header(server.requestHeads().get(0), "x-api-key")).contains("sk-planted");
        }
    }

    @Test
    void redirectAndRetryAfterAnswersAreWhatTheySay() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.sequence(
                HostileServer.redirect(307, "http://127.0.0.2:1/elsewhere"),
                HostileServer.unavailableRetryAfterZero()))) {
            try (Socket s = connect(server)) {
                s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
                String answer = readAll(s);
                assertThat(answer).startsWith("HTTP/1.1 307").contains("Location: http://127.0.0.2:1/elsewhere\r\n");
            }
            for (int i = 0; i < 2; i++) {
                try (Socket s = connect(server)) {
                    s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
                    assertThat(readAll(s)).startsWith("HTTP/1.1 503").contains("Retry-After: 0\r\n");
                }
            }
            assertThat(server.connectionsAccepted()).isEqualTo(3);
        }
    }

    @Test
    void echoing401PutsTheRequestHeadersIntoTheBody() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.echoing401());
                Socket s = connect(server)) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
            String answer = readAll(s);
            assertThat(answer).startsWith("HTTP/1.1 401").contains("X-Api-Key: sk-planted");
        }
    }

    @Test
    void retryZeroStreamSendsTheFieldAndCloses() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.retryZeroThenClose());
                Socket s = connect(server)) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readAll(s)).contains("text/event-stream").endsWith("retry: 0\n\ndata: hello\n\n");
        }
    }

    @Test
    void endlessHeaderStopsAtItsBoundAndTrickleSendsByteByByte() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.endlessHeader(8 * 1024));
                Socket s = connect(server)) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
            byte[] got = readN(s.getInputStream(), 8 * 1024);
            assertThat(new String(got, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 OK\r\nX-Endless: aaaa")
                    .doesNotContain("\r\n\r\n");
        }
        try (HostileServer server = HostileServer.start(HostileServer.trickleHead("text/event-stream", Duration.ofMillis(1)));
                Socket s = connect(server)) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
            String head = new String(readN(s.getInputStream(), 17), StandardCharsets.ISO_8859_1);
            assertThat(head).isEqualTo("HTTP/1.1 200 OK\r\n");
        }
    }

    @Test
    void webSocketBehavioursUpgradeWithTheRightAcceptKeyAndFlood() throws Exception {
        assertThat(HostileServer.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        String upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        try (HostileServer server = HostileServer.start(HostileServer.webSocketPingFlood(4096));
                Socket s = connect(server)) {
            s.getOutputStream().write(upgrade.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = headOf(in);
            assertThat(head).startsWith("HTTP/1.1 101").contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            byte[] pings = readN(in, 64);
            for (int i = 0; i < pings.length; i += 2) {
                assertThat(pings[i]).isEqualTo((byte) 0x89);
                assertThat(pings[i + 1]).isEqualTo((byte) 0);
            }
        }
        try (HostileServer server = HostileServer.start(HostileServer.webSocketGiantFrame(100L << 20));
                Socket s = connect(server)) {
            s.getOutputStream().write(upgrade.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            headOf(in);
            byte[] frame = readN(in, 10);
            assertThat(frame[0]).isEqualTo((byte) 0x81);
            assertThat(frame[1]).isEqualTo((byte) 127);
            long len = 0;
            for (int i = 2; i < 10; i++) {
                len = (len << 8) | (frame[i] & 0xFF);
            }
            assertThat(len).isEqualTo(100L << 20);
        }
    }

    private static String headOf(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b = in.read();
            assertThat(b).isNotNegative();
            out.write(b);
            last4 = (last4 << 8) | b;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
