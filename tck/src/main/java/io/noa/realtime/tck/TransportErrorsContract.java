package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.Redact;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.WebSocketSession;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.TestCertificate;
import io.noa.realtime.testkit.UnresponsiveListener;
import io.noa.realtime.testkit.WebSocketTestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Transport parity: the same failure gives the same exception type and the same actionable
 * message shape on every transport: the URL without its secrets (see {@link Redact#url(URI)}),
 * what happened, and what to check. Covers a refused connection, an unknown host, a bad scheme,
 * a TLS failure and a connect or handshake timeout, over HTTP and WebSocket.
 *
 * <p>The rule for bad arguments, the same on every transport: a {@code null} argument throws
 * {@link NullPointerException} at once; any other invalid argument (a scheme the method does not
 * speak, a non-positive timeout) gives a future failed with {@link IllegalArgumentException}, so
 * a caller has one error path for everything that is not a programming error.
 */
public abstract class TransportErrorsContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SECRET = "s3cr3t-k3y";

    /** For subclasses. */
    protected TransportErrorsContract() {}

    private static Throwable failure(CompletableFuture<?> future) {
        try {
            future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not fail within " + WAIT + ": " + e, e);
        }
        throw new AssertionError("the future succeeded; a failure was expected");
    }

    private static void assertActionable(Throwable error, Class<? extends Throwable> type, URI uri, String... says) {
        assertThat(error).as("error for %s", Redact.url(uri)).isExactlyInstanceOf(type);
        String message = error.getMessage();
        assertThat(message).as("message names the URL without secrets").contains(Redact.url(uri)).doesNotContain(SECRET);
        assertThat(message).as("message says what to check").contains("check ");
        for (String s : says) {
            assertThat(message).containsIgnoringCase(s);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private CompletableFuture<StreamingResponse> get(Transport transport, URI uri) {
        return transport.http().send(StreamingRequest.builder(uri).method("GET").build());
    }

    private CompletableFuture<WebSocketSession> open(Transport transport, URI uri, Duration timeout) {
        return transport.webSocket().connect(uri, Headers.empty(), timeout, RecordingListener.unbounded());
    }

    /**
     * Contract: a refused connection is a {@link TransportException} naming the host and port:
     * "Connection refused by 127.0.0.1:port … check that the server is running and the port is
     * right", over HTTP and WebSocket.
     *
     * @throws Exception on failure
     */
    @Test
    public void refusedConnectionSaysWhatToCheck() throws Exception {
        int port = closedPort();
        Transport transport = newTransport();
        URI http = URI.create("http://127.0.0.1:" + port + "/v1/chat?key=" + SECRET);
        assertActionable(failure(get(transport, http)), TransportException.class, http,
                "Connection refused by 127.0.0.1:" + port, "check that the server is running and the port is right");
        URI ws = URI.create("ws://127.0.0.1:" + port + "/socket?token=" + SECRET);
        assertActionable(failure(open(transport, ws, WAIT)), TransportException.class, ws,
                "Connection refused by 127.0.0.1:" + port, "check that the server is running and the port is right");
    }

    /**
     * Contract: a host name that does not resolve is a {@link TransportException} naming the host:
     * "Unknown host nonexistent.invalid … check the host name".
     *
     * @throws Exception on failure
     */
    @Test
    public void unknownHostSaysWhatToCheck() throws Exception {
        Transport transport = newTransport();
        URI http = URI.create("http://nonexistent.invalid:8080/v1/chat?key=" + SECRET);
        assertActionable(failure(get(transport, http)), TransportException.class, http,
                "Unknown host nonexistent.invalid", "check the host name");
        URI ws = URI.create("ws://nonexistent.invalid:8080/socket");
        assertActionable(failure(open(transport, ws, WAIT)), TransportException.class, ws,
                "Unknown host nonexistent.invalid", "check the host name");
    }

    /**
     * Contract: a scheme the method does not speak is an {@link IllegalArgumentException}: an
     * {@code ftp://} request is refused when it is built, whatever the transport; an
     * {@code http://} WebSocket URI gives a failed future (never a synchronous throw) that names
     * the schemes to use. A {@code null} argument throws at once.
     */
    @Test
    public void badSchemeIsAFailedFutureAndNullThrows() {
        assertThatThrownBy(() -> StreamingRequest.builder(URI.create("ftp://127.0.0.1/file")))
                .isInstanceOf(IllegalArgumentException.class);
        Transport transport = newTransport();
        URI http = URI.create("http://127.0.0.1:1/socket?token=" + SECRET);
        CompletableFuture<WebSocketSession> future = open(transport, http, WAIT);
        Throwable error = failure(future);
        assertThat(error).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(error.getMessage()).contains("ws").contains("wss").contains(Redact.url(http)).doesNotContain(SECRET);
        assertThat(failure(open(transport, URI.create("ws://127.0.0.1:1/"), Duration.ZERO)))
                .isExactlyInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> transport.webSocket().connect(null, Headers.empty(), WAIT, RecordingListener.unbounded()))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> transport.http().send(null)).isInstanceOf(NullPointerException.class);
    }

    /**
     * Contract: a certificate the client does not trust is a {@link TransportException} that says
     * the TLS handshake failed and what to check, over HTTPS and WSS.
     *
     * @throws Exception on failure
     */
    @Test
    public void untrustedCertificateSaysWhatToCheck() throws Exception {
        TestCertificate certificate = TestCertificate.create();
        Transport transport = newTransport();
        try (MockInferenceServer server = MockInferenceServer.builder().tls(certificate).start();
                WebSocketTestServer ws = WebSocketTestServer.builder().tls(certificate).start()) {
            URI https = server.baseUri().resolve("/v1/chat?key=" + SECRET);
            assertActionable(failure(get(transport, https)), TransportException.class, https,
                    "TLS handshake with", "check the server certificate");
            URI wss = ws.uri();
            assertActionable(failure(open(transport, wss, WAIT)), TransportException.class, wss,
                    "TLS handshake with", "check the server certificate");
        }
    }

    /**
     * Contract: a connect that does not finish in time (HTTP: a TCP connect that hangs;
     * WebSocket: a server that accepts and never answers the upgrade) is a
     * {@link ConnectTimeoutException} naming the URL and the timeout.
     *
     * @throws Exception on failure
     */
    @Test
    public void timeoutSaysWhatToCheck() throws Exception {
        Transport transport = newTransport();
        try (UnresponsiveListener hole = UnresponsiveListener.start();
                RawHttpServer silent = RawHttpServer.start()) {
            URI http = hole.uri("http");
            Throwable error = failure(transport.http().send(StreamingRequest.builder(http).method("GET")
                    .connectTimeout(Duration.ofMillis(300)).build()));
            assertActionable(error, ConnectTimeoutException.class, http, "within 300 ms");
            URI ws = URI.create("ws://127.0.0.1:" + silent.port() + "/socket");
            assertActionable(failure(open(transport, ws, Duration.ofMillis(300))), ConnectTimeoutException.class, ws,
                    "within 300 ms");
        }
    }
}
