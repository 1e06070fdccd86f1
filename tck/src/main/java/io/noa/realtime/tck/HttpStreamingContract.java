package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import io.noa.realtime.testkit.RecordedRequest;
import io.noa.realtime.testkit.TestCertificate;
import io.noa.realtime.testkit.UnresponsiveListener;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@link io.noa.realtime.spi.HttpStreaming} contract: response head before body, real
 * streaming, request bodies and headers, backpressure, cancellation, typed failures, TLS trust,
 * and no leaks — against the testkit {@link MockInferenceServer} on 127.0.0.1.
 */
public abstract class HttpStreamingContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** For subclasses. */
    protected HttpStreamingContract() {}

    private static StreamingResponse send(Transport transport, StreamingRequest request) throws Exception {
        return transport.http().send(request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static StreamingRequest get(URI uri) {
        return StreamingRequest.builder(uri).method("GET").build();
    }

    private static String collect(StreamingResponse response) throws Exception {
        BodyCollector body = BodyCollector.unbounded();
        response.body().subscribe(body);
        return new String(body.done().get(WAIT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    /**
     * Contract: the send future completes with status and headers while the server still holds
     * back the body.
     *
     * @throws Exception on failure
     */
    @Test
    public void statusAndHeadersArriveBeforeTheBody() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().status(201).header("X-Contract", "head-first")
                    .awaitRelease().write("data: late\n\n").end());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/head")));
            assertThat(response.status()).isEqualTo(201);
            assertThat(response.headers().first("x-contract")).contains("head-first");
            assertThat(response.headers().first("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("text/event-stream"));
            server.release();
            assertThat(collect(response)).isEqualTo("data: late\n\n");
        }
    }

    /**
     * Contract: the first body bytes reach the subscriber before the response has ended.
     *
     * @throws Exception on failure
     */
    @Test
    public void firstBytesArriveBeforeTheResponseEnds() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().write("data: first\n\n").awaitRelease()
                    .write("data: second\n\n").end());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/stream")));
            BodyCollector body = BodyCollector.unbounded();
            response.body().subscribe(body);
            await().atMost(WAIT).until(() -> body.text().equals("data: first\n\n"));
            assertThat(body.done()).isNotDone();
            server.release();
            assertThat(new String(body.done().get(WAIT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8))
                    .isEqualTo("data: first\n\ndata: second\n\n");
            assertThat(body.terminalSignals()).isEqualTo(1);
        }
    }

    /**
     * Contract: method, custom headers and the request body reach the server unchanged.
     *
     * @throws Exception on failure
     */
    @Test
    public void postBodyAndHeadersReachTheServer() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().write("data: ok\n\n").end());
            byte[] json = "{\"model\":\"m\",\"stream\":true,\"text\":\"héllo ✓\"}".getBytes(StandardCharsets.UTF_8);
            StreamingRequest request = StreamingRequest.builder(server.chatUri()).method("POST")
                    .header("Content-Type", "application/json").header("X-Custom", "42")
                    .header("Authorization", "Bearer sk-contract").body(json).build();
            StreamingResponse response = send(newTransport(), request);
            assertThat(collect(response)).isEqualTo("data: ok\n\n");
            RecordedRequest recorded = server.takeRequest(WAIT);
            assertThat(recorded.method()).isEqualTo("POST");
            assertThat(recorded.path()).isEqualTo(server.chatUri().getPath());
            assertThat(recorded.header("x-custom")).contains("42");
            assertThat(recorded.header("Authorization")).contains("Bearer sk-contract");
            assertThat(recorded.header("Content-Type")).contains("application/json");
            assertThat(recorded.body()).isEqualTo(json);
        }
    }

    /**
     * Contract: a non-2xx response is a normal response (status, headers, readable body), not an
     * exception; deciding what it means is the api's job.
     *
     * @throws Exception on failure
     */
    @Test
    public void errorStatusIsAResponseWithReadableBody() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            String error = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
            server.enqueue(MockResponse.error(429, error).withHeader("Retry-After", "2"));
            StreamingResponse response = send(newTransport(), get(server.chatUri()));
            assertThat(response.status()).isEqualTo(429);
            assertThat(response.headers().first("retry-after")).contains("2");
            assertThat(collect(response)).isEqualTo(error);
        }
    }

    /**
     * Contract: with no outstanding demand the transport stops reading, so the server's writes
     * back up into TCP flow control and the client holds a bounded amount; new demand resumes.
     *
     * @throws Exception on failure
     */
    @Test
    public void noDemandStopsReadingAndMemoryStaysBounded() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            byte[] chunk = new byte[16 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            server.enqueue(MockResponse.stream().writeForever(chunk).end());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/flood")));
            BodyCollector body = new BodyCollector(1);
            response.body().subscribe(body);
            await().atMost(WAIT).until(() -> body.onNextCalls() == 1);
            long plateau = awaitPlateau(server::bodyBytesWritten);
            assertThat(plateau).as("bytes the server could write while the client read nothing")
                    .isLessThan(64L * 1024 * 1024);
            assertThat(body.onNextCalls()).isEqualTo(1);
            body.request(64);
            await().atMost(WAIT).until(() -> body.onNextCalls() == 65);
            Thread.sleep(200);
            assertThat(body.onNextCalls()).as("buffers delivered for a demand of 1 + 64").isEqualTo(65);
            body.request(Long.MAX_VALUE);
            await().atMost(WAIT).until(() -> server.bodyBytesWritten() > plateau);
            body.cancel();
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
            assertThat(body.terminalSignals()).isZero();
        }
    }

    private static long awaitPlateau(java.util.function.LongSupplier counter) {
        AtomicLong last = new AtomicLong(-1);
        AtomicReference<Long> stable = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = counter.getAsLong();
            boolean same = now == last.getAndSet(now);
            if (same) {
                stable.set(now);
            }
            return same;
        });
        return stable.get();
    }

    /**
     * Contract: cancelling the body mid-stream closes the connection, and the server sees it
     * within a second.
     *
     * @throws Exception on failure
     */
    @Test
    public void cancelClosesTheConnectionPromptly() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().write("data: one\n\n").stall().end());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/stall")));
            BodyCollector body = BodyCollector.unbounded();
            response.body().subscribe(body);
            await().atMost(WAIT).until(() -> body.size() > 0);
            assertThat(server.openConnections()).isEqualTo(1);
            body.cancel();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> server.openConnections() == 0);
            assertThat(body.terminalSignals()).isZero();
        }
    }

    /**
     * Contract: closing a response whose body was never subscribed releases its connection.
     *
     * @throws Exception on failure
     */
    @Test
    public void closingAnUnreadResponseReleasesTheConnection() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().write("data: unread\n\n").stall().end());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/unread")));
            response.close();
            response.close();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> server.openConnections() == 0);
        }
    }

    /**
     * Contract: the body publisher takes one subscriber; a second one gets
     * {@code IllegalStateException}; {@code request(0)} is a protocol error.
     *
     * @throws Exception on failure
     */
    @Test
    public void bodyIsSingleSubscriberAndRejectsNonPositiveDemand() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().write("data: a\n\n").stall().end());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/single")));
            BodyCollector first = new BodyCollector(0);
            response.body().subscribe(first);
            BodyCollector second = BodyCollector.unbounded();
            response.body().subscribe(second);
            assertThatThrownBy(() -> second.done().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
            await().atMost(WAIT).until(first::subscribed);
            first.request(0);
            assertThatThrownBy(() -> first.done().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
        }
    }

    /**
     * Contract: a connection that does not establish within the request's connect timeout fails
     * with {@link ConnectTimeoutException}.
     *
     * @throws Exception on failure
     */
    @Test
    public void connectTimeoutIsTyped() throws Exception {
        try (UnresponsiveListener hole = UnresponsiveListener.start()) {
            StreamingRequest request = StreamingRequest.builder(hole.uri("http")).method("GET")
                    .connectTimeout(Duration.ofMillis(300)).build();
            CompletableFuture<StreamingResponse> future = newTransport().http().send(request);
            assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ConnectTimeoutException.class);
        }
    }

    /**
     * Contract: a refused connection fails with {@link TransportException}.
     *
     * @throws Exception on failure
     */
    @Test
    public void refusedConnectionIsTransportException() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        CompletableFuture<StreamingResponse> future =
                newTransport().http().send(get(URI.create("http://127.0.0.1:" + port + "/")));
        assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TransportException.class);
    }

    /**
     * Contract: a connection that dies mid-body ends the body with exactly one
     * {@link TransportException}, after the bytes that did arrive.
     *
     * @throws Exception on failure
     */
    @Test
    public void connectionLostMidBodyIsTransportException() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().write("data: partial\n\n").closeAbruptly());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/cut")));
            BodyCollector body = BodyCollector.unbounded();
            response.body().subscribe(body);
            assertThatThrownBy(() -> body.done().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TransportException.class);
            assertThat(body.text()).isEqualTo("data: partial\n\n");
            assertThat(body.terminalSignals()).isEqualTo(1);
        }
    }

    /**
     * Contract: HTTPS to a self-signed server works when the transport is given a TLS context
     * that trusts it.
     *
     * @throws Exception on failure
     */
    @Test
    public void httpsWithExplicitTrustWorks() throws Exception {
        TestCertificate certificate = TestCertificate.create();
        try (MockInferenceServer server = MockInferenceServer.builder().tls(certificate).start()) {
            server.enqueue(MockResponse.stream().write("data: secure\n\n").end());
            Transport transport = newTransport(TransportOptions.builder().sslContext(certificate.clientContext()).build());
            assertThat(server.baseUri().getScheme()).isEqualTo("https");
            StreamingResponse response = send(transport, get(server.baseUri().resolve("/tls")));
            assertThat(response.status()).isEqualTo(200);
            assertThat(collect(response)).isEqualTo("data: secure\n\n");
        }
    }

    /**
     * Contract: HTTPS to a self-signed server fails with default trust (verification is on).
     *
     * @throws Exception on failure
     */
    @Test
    public void httpsWithoutTrustFails() throws Exception {
        TestCertificate certificate = TestCertificate.create();
        try (MockInferenceServer server = MockInferenceServer.builder().tls(certificate).start()) {
            server.enqueue(MockResponse.stream().write("data: secure\n\n").end());
            CompletableFuture<StreamingResponse> future = newTransport().http().send(get(server.baseUri().resolve("/tls")));
            assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RealtimeException.class);
        }
    }

    /**
     * Contract: 2,000 sequential requests read to the end leave at most one open (pooled)
     * connection and no extra threads.
     *
     * @throws Exception on failure
     */
    @Test
    public void sequentialRequestsLeakNeitherConnectionsNorThreads() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            Transport transport = newTransport();
            for (int i = 0; i < 50; i++) {
                oneSmallExchange(server, transport, i);
            }
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            for (int i = 0; i < 2_000; i++) {
                oneSmallExchange(server, transport, i);
            }
            await().atMost(WAIT).until(() -> server.openConnections() <= 1);
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            assertThat(threadsAfter).as("threads after 2,000 requests").isLessThanOrEqualTo(threadsBefore + 2);
        }
    }

    private static void oneSmallExchange(MockInferenceServer server, Transport transport, int i) throws Exception {
        server.enqueue(MockResponse.stream().write("data: " + i + "\n\n").end());
        StreamingResponse response = send(transport, get(server.baseUri().resolve("/seq")));
        assertThat(collect(response)).isEqualTo("data: " + i + "\n\n");
    }

    /**
     * Contract: a chat stream read through a proxy that forwards one byte at a time gives exactly
     * the bytes of a direct read.
     *
     * @throws Exception on failure
     */
    @Test
    public void oneByteFragmentationGivesTheSameBytes() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start();
                ChaosProxy proxy = ChaosProxy.start(server.port())) {
            Transport transport = newTransport();
            String[] tokens = {"Hel", "lo", " wör", "ld", " ✓", "!"};
            server.enqueue(MockResponse.chatTokens(tokens));
            String direct = collect(send(transport, post(server.chatUri())));
            proxy.fragment(1);
            server.enqueue(MockResponse.chatTokens(tokens));
            String proxied = collect(send(transport, post(proxy.proxied(server.chatUri()))));
            assertThat(direct).contains("[DONE]");
            assertThat(normalizeTimestamps(proxied)).isEqualTo(normalizeTimestamps(direct));
        }
    }

    private static StreamingRequest post(URI uri) {
        return StreamingRequest.builder(uri).method("POST").header("Content-Type", "application/json")
                .body("{\"model\":\"m\",\"stream\":true,\"messages\":[]}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static String normalizeTimestamps(String stream) {
        return stream.replaceAll("\"created\":\\d+", "\"created\":0").replaceAll("\"id\":\"[^\"]*\"", "\"id\":\"x\"");
    }

    /**
     * Contract: a subscriber may cancel from inside {@code onNext}; nothing is delivered after
     * that and no terminal signal follows.
     *
     * @throws Exception on failure
     */
    @Test
    public void cancelFromInsideOnNextStopsDelivery() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            byte[] chunk = new byte[1024];
            Arrays.fill(chunk, (byte) 'y');
            server.enqueue(MockResponse.stream().writeForever(chunk).end());
            StreamingResponse response = send(newTransport(), get(server.baseUri().resolve("/cancel-inside")));
            AtomicLong afterCancel = new AtomicLong();
            AtomicLong terminals = new AtomicLong();
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            response.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
                private Flow.Subscription subscription;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    if (cancelled.isDone()) {
                        afterCancel.incrementAndGet();
                        return;
                    }
                    subscription.cancel();
                    cancelled.complete(null);
                }

                @Override
                public void onError(Throwable throwable) {
                    terminals.incrementAndGet();
                }

                @Override
                public void onComplete() {
                    terminals.incrementAndGet();
                }
            });
            cancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> server.openConnections() == 0);
            assertThat(terminals.get()).isZero();
            assertThat(afterCancel.get()).as("buffers delivered after cancel").isLessThanOrEqualTo(1);
        }
    }
}
