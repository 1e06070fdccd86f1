package io.noa.realtime.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NettyHttpStreamingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);


    static {
        // the JDK server writes head and body separately; with Nagle on, each response waits for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private HttpServer server;
    private ExecutorService serverThreads;
    private NettyTransport transport;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        serverThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(serverThreads);
        server.start();
        transport = NettyTransport.create();
    }

    @AfterEach
    void tearDown() {
        transport.close();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void handle(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            try {
                handler.handle(ex);
            } finally {
                ex.close();
            }
        });
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private StreamingResponse get(String path) throws Exception {
        return transport.http().send(StreamingRequest.builder(uri(path)).build()).get(20, TimeUnit.SECONDS);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    @Test
    void deliversFirstBytesBeforeTheBodyEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        handle("/stream", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked
            OutputStream out = ex.getResponseBody();
            out.write("first;".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("second".getBytes(StandardCharsets.UTF_8));
        });
        StreamingResponse r = get("/stream");
        assertThat(r.status()).isEqualTo(200);
        BodyRecorder body = BodyRecorder.unbounded();
        r.body().subscribe(body);
        await().atMost(WAIT).until(() -> body.text().equals("first;"));
        assertThat(body.done()).isFalse();
        release.countDown();
        await().atMost(WAIT).until(body::done);
        assertThat(body.completed).isTrue();
        assertThat(body.text()).isEqualTo("first;second");
    }

    @Test
    void sendsMethodHeadersAndBodyAndReturnsStatusAndHeaders() throws Exception {
        handle("/echo", ex -> {
            String in = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("X-Reply", "yes");
            reply(ex, 201, ex.getRequestMethod() + "|" + ex.getRequestHeaders().getFirst("X-Test") + "|"
                    + ex.getRequestHeaders().getFirst("Content-Type") + "|" + ex.getRequestURI().getRawQuery() + "|" + in);
        });
        StreamingRequest req = StreamingRequest.builder(uri("/echo?a=1&b=%20"))
                .method("POST")
                .header("X-Test", "v1")
                .header("Content-Type", "application/json")
                .body("{\"hello\":\"wörld\"}".getBytes(StandardCharsets.UTF_8))
                .build();
        StreamingResponse r = transport.http().send(req).get(20, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.headers().first("x-reply")).contains("yes");
        BodyRecorder body = BodyRecorder.unbounded();
        r.body().subscribe(body);
        await().atMost(WAIT).until(body::done);
        assertThat(body.text()).isEqualTo("POST|v1|application/json|a=1&b=%20|{\"hello\":\"wörld\"}");
    }

    @Test
    void doesNotFollowRedirects() throws Exception {
        handle("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/elsewhere");
            reply(ex, 302, "");
        });
        StreamingResponse r = get("/moved");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.headers().first("Location")).contains("/elsewhere");
        r.close();
    }

    @Test
    void backpressureStopsReadingSoTheServerStalls() throws Exception {
        long total = 50L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        AtomicBoolean serverFailed = new AtomicBoolean();
        AtomicBoolean serverFinished = new AtomicBoolean();
        handle("/big", ex -> {
            ex.sendResponseHeaders(200, total);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent < total; sent += chunk.length) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                serverFinished.set(true);
            } catch (IOException e) {
                serverFailed.set(true);
            }
        });
        StreamingResponse r = get("/big");
        BodyRecorder body = new BodyRecorder(1);
        r.body().subscribe(body);
        await().atMost(WAIT).until(() -> body.onNextCount.get() == 1);
        // wait until the server's writes stop making progress (TCP buffers full)
        AtomicLong last = new AtomicLong(-1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> written.get() == last.getAndSet(written.get()));
        assertThat(body.onNextCount.get()).isEqualTo(1);
        assertThat(serverFinished.get()).isFalse();
        assertThat(written.get()).isLessThan(total / 2);
        System.out.println("backpressure: server stalled after writing " + written.get() + " of " + total + " bytes");

        body.subscription.request(3);
        await().atMost(WAIT).until(() -> body.onNextCount.get() == 4);
        body.subscription.cancel();
        await().atMost(WAIT).until(serverFailed::get);
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        assertThat(body.terminalCount.get()).isZero();
    }

    @Test
    void cancelMidBodyClosesTheConnectionInsteadOfPoolingIt() throws Exception {
        AtomicBoolean serverSawClose = new AtomicBoolean();
        handle("/endless", ex -> {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                while (true) {
                    out.write("data: tick\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(5);
                }
            } catch (IOException e) {
                serverSawClose.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        StreamingResponse r = get("/endless");
        BodyRecorder body = BodyRecorder.unbounded();
        r.body().subscribe(body);
        await().atMost(WAIT).until(() -> body.size() > 0);
        body.subscription.cancel();
        await().atMost(WAIT).until(serverSawClose::get);
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        assertThat(transport.idleConnections()).isZero();
        assertThat(body.terminalCount.get()).isZero();
    }

    @Test
    void closingAnUnsubscribedResponseReleasesItsConnection() throws Exception {
        handle("/body", ex -> reply(ex, 200, "x".repeat(100_000)));
        StreamingResponse r = get("/body");
        assertThat(transport.openConnections()).isEqualTo(1);
        r.close();
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        BodyRecorder late = BodyRecorder.unbounded();
        r.body().subscribe(late);
        await().atMost(WAIT).until(late::done);
        assertThat(late.error.get()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keepAliveConnectionIsReusedForSequentialRequests() throws Exception {
        handle("/small", ex -> reply(ex, 200, "hello"));
        for (int i = 0; i < 3; i++) {
            assertThat(readAll(get("/small"))).isEqualTo("hello");
        }
        assertThat(clientPorts).hasSize(1);
        assertThat(transport.openConnections()).isEqualTo(1);
        assertThat(transport.idleConnections()).isEqualTo(1);
    }

    @Test
    void twoThousandSequentialRequestsLeaveNoConnectionsOrThreadsBehind() throws Exception {
        handle("/n", ex -> reply(ex, 200, "ok"));
        readAll(get("/n")); // warm up: starts the shared event loop threads used below
        long threadsBefore = clientThreads();
        for (int i = 0; i < 2000; i++) {
            assertThat(readAll(get("/n"))).isEqualTo("ok");
        }
        assertThat(clientPorts).hasSize(1);
        assertThat(transport.openConnections()).isEqualTo(1);
        assertThat(clientThreads()).isLessThanOrEqualTo(threadsBefore + 2);
        transport.close();
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
    }

    /**
     * Live threads that are not the test server's: its cached pool may start one more handler
     * thread whenever the previous one has not yet gone back to the pool, which says nothing
     * about the client.
     */
    private static long clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().equals("test-http-server")).count();
    }

    @Test
    void serverClosingAnIdleConnectionIsNoticedAndTheNextRequestStillWorks() throws Exception {
        handle("/small", ex -> reply(ex, 200, "hello"));
        assertThat(readAll(get("/small"))).isEqualTo("hello");
        server.stop(0); // closes idle keep-alive connections
        await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getAddress().getPort()), 50);
        server.setExecutor(serverThreads);
        handle("/small", ex -> reply(ex, 200, "again"));
        server.start();
        assertThat(readAll(get("/small"))).isEqualTo("again");
    }

    @Test
    void prematureCloseMidBodyIsATransportError() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
        })) {
            StreamingResponse r = transport.http()
                    .send(StreamingRequest.builder(URI.create("http://127.0.0.1:" + raw.port() + "/")).build())
                    .get(20, TimeUnit.SECONDS);
            BodyRecorder body = BodyRecorder.unbounded();
            r.body().subscribe(body);
            await().atMost(WAIT).until(body::done);
            assertThat(body.text()).isEqualTo("0123456789");
            assertThat(body.error.get()).isInstanceOf(TransportException.class);
            assertThat(body.terminalCount.get()).isEqualTo(1);
        }
    }

    @Test
    void prematureCloseOfAChunkedBodyIsATransportError() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        })) {
            StreamingResponse r = transport.http()
                    .send(StreamingRequest.builder(URI.create("http://127.0.0.1:" + raw.port() + "/")).build())
                    .get(20, TimeUnit.SECONDS);
            BodyRecorder body = BodyRecorder.unbounded();
            r.body().subscribe(body);
            await().atMost(WAIT).until(body::done);
            assertThat(body.text()).isEqualTo("hello");
            assertThat(body.error.get()).isInstanceOf(TransportException.class);
        }
    }

    @Test
    void closeBeforeTheResponseHeadIsATransportError() throws Exception {
        try (RawServer raw = new RawServer(s -> RawServer.readHead(s.getInputStream()))) {
            CompletableFuture<StreamingResponse> f = transport.http()
                    .send(StreamingRequest.builder(URI.create("http://127.0.0.1:" + raw.port() + "/")).build());
            assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TransportException.class);
        }
    }

    @Test
    void connectTimeoutCoversTheTlsHandshake() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        try (RawServer silent = new RawServer(s -> hold.await())) { // accepts TCP, never answers TLS
            CompletableFuture<StreamingResponse> f = transport.http().send(StreamingRequest
                    .builder(URI.create("https://127.0.0.1:" + silent.port() + "/"))
                    .connectTimeout(Duration.ofMillis(300))
                    .build());
            assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ConnectTimeoutException.class);
            await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        } finally {
            hold.countDown();
        }
    }

    @Test
    void refusedConnectionIsATransportErrorNotATimeout() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CompletableFuture<StreamingResponse> f = transport.http()
                .send(StreamingRequest.builder(URI.create("http://127.0.0.1:" + port + "/")).build());
        assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(TransportException.class)
                .isNotInstanceOf(ConnectTimeoutException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void cancellingTheSendFutureClosesTheConnection() throws Exception {
        CountDownLatch requestArrived = new CountDownLatch(1);
        AtomicReference<String> after = new AtomicReference<>();
        try (RawServer raw = new RawServer(s -> {
            RawServer.readHead(s.getInputStream());
            requestArrived.countDown();
            after.set(s.getInputStream().read() < 0 ? "closed" : "data");
        })) {
            CompletableFuture<StreamingResponse> f = transport.http()
                    .send(StreamingRequest.builder(URI.create("http://127.0.0.1:" + raw.port() + "/")).build());
            assertThat(requestArrived.await(20, TimeUnit.SECONDS)).isTrue();
            f.cancel(true);
            await().atMost(WAIT).until(() -> "closed".equals(after.get()));
            await().atMost(WAIT).until(() -> transport.openConnections() == 0);
        }
    }

    @Test
    void bodyAllowsOneSubscriberAndRejectsBadDemand() throws Exception {
        handle("/body", ex -> reply(ex, 200, "abc"));
        StreamingResponse r = get("/body");
        BodyRecorder first = new BodyRecorder(0);
        r.body().subscribe(first);
        BodyRecorder second = BodyRecorder.unbounded();
        r.body().subscribe(second);
        assertThat(second.error.get()).isInstanceOf(IllegalStateException.class);
        await().atMost(WAIT).until(() -> first.subscription != null);
        first.subscription.request(0);
        await().atMost(WAIT).until(first::done);
        assertThat(first.error.get()).isInstanceOf(IllegalArgumentException.class);
        // closed, or pooled if the whole small response arrived with the head
        await().atMost(WAIT).until(() -> transport.openConnections() == transport.idleConnections());
    }

    @Test
    void requestOneAtATimeDeliversExactlyThatMany() throws Exception {
        handle("/chunks", ex -> {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < 20; i++) {
                out.write(("chunk" + i + ";").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        });
        StreamingResponse r = get("/chunks");
        BodyRecorder body = new BodyRecorder(1);
        r.body().subscribe(body);
        await().atMost(WAIT).until(() -> body.onNextCount.get() == 1);
        Thread.sleep(200); // give a misbehaving transport the chance to over-deliver
        assertThat(body.onNextCount.get()).isEqualTo(1);
        while (!body.done()) {
            int seen = body.onNextCount.get();
            body.subscription.request(1);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() -> body.onNextCount.get() > seen || body.done());
            assertThat(body.onNextCount.get()).isLessThanOrEqualTo(seen + 1);
        }
        assertThat(body.completed).isTrue();
        assertThat(body.text()).startsWith("chunk0;").endsWith("chunk19;");
    }

    @Test
    void concurrentStreamsUseOneConnectionEachAndAreAllPooledAfterwards() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(5);
        handle("/par", ex -> {
            ex.sendResponseHeaders(200, 0);
            allStarted.countDown();
            try {
                allStarted.await(20, TimeUnit.SECONDS); // every stream is open at the same time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.getResponseBody().write("done".getBytes(StandardCharsets.UTF_8));
        });
        java.util.List<CompletableFuture<StreamingResponse>> futures = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(transport.http().send(StreamingRequest.builder(uri("/par")).build()));
        }
        for (CompletableFuture<StreamingResponse> f : futures) {
            assertThat(readAll(f.get(20, TimeUnit.SECONDS))).isEqualTo("done");
        }
        assertThat(clientPorts).hasSize(5);
        assertThat(transport.idleConnections()).isEqualTo(5);
        assertThat(transport.openConnections()).isEqualTo(5);
    }

    @Test
    void nioTransportWorksToo() throws Exception {
        handle("/small", ex -> reply(ex, 200, "nio"));
        try (NettyTransport nio = NettyTransport.builder().nativeTransport(false).threads(1).build()) {
            StreamingResponse r = nio.http().send(StreamingRequest.builder(uri("/small")).build()).get(20, TimeUnit.SECONDS);
            assertThat(readAll(r)).isEqualTo("nio");
            assertThat(nio.toString()).contains("Nio");
        }
    }

    static String readAll(StreamingResponse r) throws InterruptedException {
        BodyRecorder body = BodyRecorder.unbounded();
        r.body().subscribe(body);
        body.awaitDone();
        if (body.error.get() != null) {
            throw new AssertionError("body failed", body.error.get());
        }
        return body.text();
    }

}
