package io.noa.realtime.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketSession;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a self-signed certificate for "localhost" only (made with the JDK's keytool). */
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static SSLContext serverContext;
    private static SSLContext clientContext;
    private static HttpsServer server;

    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/", ex -> {
            byte[] body = "secure".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static StreamingRequest request(String host) {
        return StreamingRequest.builder(URI.create("https://" + host + ":" + server.getAddress().getPort() + "/"))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void trustedCertificateAndMatchingHostName() throws Exception {
        try (NettyTransport t = NettyTransport.create(TransportOptions.builder().sslContext(clientContext).build())) {
            StreamingResponse r = t.http().send(request("localhost")).get(20, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(NettyHttpStreamingTest.readAll(r)).isEqualTo("secure");
        }
    }

    @Test
    void hostNameMismatchIsRejected() {
        try (NettyTransport t = NettyTransport.create(TransportOptions.builder().sslContext(clientContext).build())) {
            assertThatThrownBy(() -> t.http().send(request("127.0.0.1")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TransportException.class)
                    .isNotInstanceOf(ConnectTimeoutException.class)
                    .hasMessageContaining("TLS");
            await().atMost(Duration.ofSeconds(20)).until(() -> t.openConnections() == 0);
        }
    }

    @Test
    void defaultTrustRejectsAnUnknownCertificate() {
        try (NettyTransport t = NettyTransport.create()) {
            assertThatThrownBy(() -> t.http().send(request("localhost")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("TLS");
        }
    }

    @Test
    void secureWebSocket() throws Exception {
        EchoWebSocketServer ws = new EchoWebSocketServer();
        ws.setWebSocketFactory(new DefaultSSLWebSocketServerFactory(serverContext));
        ws.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> ws.getPort() > 0);
        try (NettyTransport t = NettyTransport.create(TransportOptions.builder().sslContext(clientContext).build())) {
            ListenerRecorder l = new ListenerRecorder();
            WebSocketSession s = t.webSocket().connect(URI.create("wss://localhost:" + ws.getPort() + "/"),
                    Headers.empty(), Duration.ofSeconds(10), l).get(20, TimeUnit.SECONDS);
            s.request(1);
            s.sendText("over tls");
            await().atMost(Duration.ofSeconds(20)).until(() -> l.texts.size() == 1);
            assertThat(l.texts).containsExactly("over tls");
            s.close(1000, "");
        } finally {
            ws.stop(1000);
        }
    }
}
