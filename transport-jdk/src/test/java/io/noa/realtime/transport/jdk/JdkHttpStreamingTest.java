package io.noa.realtime.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.noa.realtime.ConnectTimeoutException;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.StreamingRequest;
import io.noa.realtime.spi.StreamingResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JdkHttpStreamingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final JdkTransport transport = JdkTransport.create();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        transport.close();
    }

    private RawServer raw(RawServer.Handler h) throws Exception {
        RawServer s = new RawServer(h);
        toClose.add(s);
        return s;
    }

    private StreamingResponse send(StreamingRequest r) throws Exception {
        return transport.http().send(r).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void statusAndHeadersArriveBeforeTheBodyAndFirstBytesBeforeTheEnd() throws Exception {
        CountDownLatch clientGotFirst = new CountDownLatch(1);
        RawServer server = raw(s -> {
            RawServer.readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Test: a\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            RawServer.write(out, RawServer.chunk("data: first\n\n"));
            clientGotFirst.await(); // the end is held back until the client saw the start
            RawServer.write(out, RawServer.chunk("data: second\n\n") + "0\r\n\r\n");
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/s")).build());
        assertThat(resp.status()).isEqualTo(200);
        assertThat(resp.headers().first("x-test")).contains("a");
        assertThat(resp.headers().first("Content-Type")).contains("text/event-stream");

        BodyProbe probe = new BodyProbe(Long.MAX_VALUE, true);
        resp.body().subscribe(probe);
        await().atMost(WAIT).until(() -> probe.text().contains("data: first"));
        assertThat(probe.done).isNotDone();
        clientGotFirst.countDown();
        probe.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(probe.text()).isEqualTo("data: first\n\ndata: second\n\n");
        assertThat(probe.terminals).hasValue(1);
    }

    @Test
    void postSendsMethodHeadersAndBody() throws Exception {
        AtomicReference<String> method = new AtomicReference<>();
        AtomicReference<String> auth = new AtomicReference<>();
        AtomicReference<String> body = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/chat", ex -> {
            method.set(ex.getRequestMethod());
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.getResponseHeaders().add("X-Reply", "yes");
            byte[] out = "created".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(201, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        toClose.add(() -> server.stop(0));
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/chat");

        StreamingResponse resp = send(StreamingRequest.builder(uri).method("POST")
                .header("Authorization", "Bearer sk-test").header("Content-Type", "application/json")
                .body("{\"q\":1}".getBytes(StandardCharsets.UTF_8)).build());
        BodyProbe probe = new BodyProbe(1, true);
        resp.body().subscribe(probe);
        Flow1.requestUntilDone(probe);

        assertThat(resp.status()).isEqualTo(201);
        assertThat(resp.headers().first("X-Reply")).contains("yes");
        assertThat(probe.text()).isEqualTo("created");
        assertThat(method.get()).isEqualTo("POST");
        assertThat(auth.get()).isEqualTo("Bearer sk-test");
        assertThat(body.get()).isEqualTo("{\"q\":1}");
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        RawServer server = raw(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s.getOutputStream(), "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n");
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/r")).build());
        assertThat(resp.status()).isEqualTo(302);
        assertThat(resp.headers().first("Location")).contains("/elsewhere");
        resp.close();
    }

    @Test
    void noDemandStopsReadingSoTheServerBlocksAndMemoryStaysBounded() throws Exception {
        long total = 50L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        CountDownLatch serverSawClose = new CountDownLatch(1);
        RawServer server = raw(s -> {
            RawServer.readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n");
            byte[] block = new byte[64 * 1024];
            try {
                while (written.get() < total) {
                    out.write(block);
                    written.addAndGet(block.length);
                }
            } catch (java.io.IOException e) {
                serverSawClose.countDown();
            }
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/big")).build());
        BodyProbe probe = new BodyProbe(1, false);
        resp.body().subscribe(probe);
        await().atMost(WAIT).until(() -> probe.buffers.get() == 1);

        // the server's writes stall (TCP flow control) far below the 50 MiB it wants to send
        AtomicLong last = new AtomicLong(-1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> last.getAndSet(written.get()) == written.get());
        System.out.println("backpressure: server wrote " + written.get() + " of " + total + " bytes before blocking");
        assertThat(written.get()).isLessThan(16L * 1024 * 1024);
        assertThat(probe.buffers).hasValue(1);
        assertThat(probe.done).isNotDone();

        probe.subscription.get().cancel(); // and cancelling closes the connection: the blocked write fails
        assertThat(serverSawClose.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(probe.terminals).hasValue(0);
    }

    @Test
    void cancellingTheBodyClosesTheConnection() throws Exception {
        CountDownLatch serverSawClose = new CountDownLatch(1);
        RawServer server = raw(s -> {
            InputStream in = s.getInputStream();
            RawServer.readHead(in);
            RawServer.write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + RawServer.chunk("tick"));
            try {
                if (in.read() == -1) {
                    serverSawClose.countDown();
                }
            } catch (java.io.IOException e) {
                serverSawClose.countDown();
            }
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/c")).build());
        BodyProbe probe = new BodyProbe(Long.MAX_VALUE, true);
        resp.body().subscribe(probe);
        await().atMost(WAIT).until(() -> probe.text().equals("tick"));
        probe.subscription.get().cancel();
        assertThat(serverSawClose.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(probe.terminals).hasValue(0);
    }

    @Test
    void closingAnUnsubscribedResponseClosesTheConnection() throws Exception {
        CountDownLatch serverSawClose = new CountDownLatch(1);
        RawServer server = raw(s -> {
            InputStream in = s.getInputStream();
            RawServer.readHead(in);
            RawServer.write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + RawServer.chunk("tick"));
            try {
                if (in.read() == -1) {
                    serverSawClose.countDown();
                }
            } catch (java.io.IOException e) {
                serverSawClose.countDown();
            }
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/c")).build());
        resp.close();
        assertThat(serverSawClose.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void cancellingTheSendFutureAbortsTheRequest() throws Exception {
        CountDownLatch requestSeen = new CountDownLatch(1);
        CountDownLatch serverSawClose = new CountDownLatch(1);
        RawServer server = raw(s -> {
            InputStream in = s.getInputStream();
            RawServer.readHead(in);
            requestSeen.countDown();
            try {
                if (in.read() == -1) {
                    serverSawClose.countDown();
                }
            } catch (java.io.IOException e) {
                serverSawClose.countDown();
            }
        });
        CompletableFuture<StreamingResponse> f = transport.http().send(StreamingRequest.builder(server.uri("/slow")).build());
        assertThat(requestSeen.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        f.cancel(true);
        assertThat(serverSawClose.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSecondSubscriberGetsIllegalStateException() throws Exception {
        RawServer server = raw(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/x")).build());
        BodyProbe first = new BodyProbe(Long.MAX_VALUE, true);
        BodyProbe second = new BodyProbe(Long.MAX_VALUE, true);
        resp.body().subscribe(first);
        resp.body().subscribe(second);
        first.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first.text()).isEqualTo("ok");
        assertThatThrownBy(() -> second.done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void prematureCloseInAChunkedBodyIsATransportException() throws Exception {
        RawServer server = raw(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + RawServer.chunk("partial"));
            Thread.sleep(100); // let the first chunk go out on its own
            s.close();
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/p")).build());
        BodyProbe probe = new BodyProbe(Long.MAX_VALUE, true);
        resp.body().subscribe(probe);
        assertThatThrownBy(() -> probe.done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TransportException.class);
        assertThat(probe.text()).isEqualTo("partial");
        assertThat(probe.terminals).hasValue(1);
    }

    @Test
    void prematureCloseInALengthDelimitedBodyIsATransportException() throws Exception {
        RawServer server = raw(s -> {
            RawServer.readHead(s.getInputStream());
            RawServer.write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly-this");
            s.close();
        });
        StreamingResponse resp = send(StreamingRequest.builder(server.uri("/p")).build());
        BodyProbe probe = new BodyProbe(Long.MAX_VALUE, true);
        resp.body().subscribe(probe);
        assertThatThrownBy(() -> probe.done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(TransportException.class);
    }

    @Test
    void closeBeforeTheResponseHeadIsATransportException() throws Exception {
        RawServer server = raw(s -> {
            RawServer.readHead(s.getInputStream());
            s.close();
        });
        CompletableFuture<StreamingResponse> f = transport.http().send(StreamingRequest.builder(server.uri("/gone")).build());
        assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(TransportException.class);
    }

    @Test
    void connectionRefusedIsATransportExceptionButNotATimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CompletableFuture<StreamingResponse> f = transport.http().send(
                StreamingRequest.builder(URI.create("http://127.0.0.1:" + port + "/")).build());
        assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(TransportException.class)
                .cause().isNotInstanceOf(ConnectTimeoutException.class);
    }

    @Test
    void aConnectThatHangsFailsWithConnectTimeoutException() throws Exception {
        try (Backlog full = Backlog.full()) {
            Duration timeout = Duration.ofMillis(300);
            CompletableFuture<StreamingResponse> f = transport.http().send(
                    StreamingRequest.builder(full.uri("http")).connectTimeout(timeout).build());
            assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ConnectTimeoutException.class)
                    .satisfies(e -> assertThat(((ConnectTimeoutException) e.getCause()).timeout()).isEqualTo(timeout));
        }
    }

    @Test
    void refusedHeadersFailClearly() {
        CompletableFuture<StreamingResponse> f = transport.http().send(StreamingRequest.builder(URI.create("http://127.0.0.1:1/"))
                .header("Connection", "close").build());
        assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Connection");
    }

    @Test
    void twoThousandSequentialRequestsLeaveNoExtraThreads() throws Exception {
        // keep-alive server that answers each request with one write (no Nagle/delayed-ACK stalls)
        RawServer server = raw(sock -> {
            sock.setTcpNoDelay(true);
            InputStream in = sock.getInputStream();
            OutputStream out = sock.getOutputStream();
            while (true) {
                try {
                    RawServer.readHead(in);
                } catch (java.io.IOException e) {
                    return;
                }
                RawServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ndata: x\n\n");
            }
        });
        URI uri = server.uri("/n");
        for (int i = 0; i < 20; i++) { // warm up: pool threads, selector, server threads
            roundTrip(uri);
        }
        int before = liveThreads();
        for (int i = 0; i < 2000; i++) {
            assertThat(roundTrip(uri)).isEqualTo("data: x\n\n");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(liveThreads())
                .as("live threads now vs. after warm-up; now: %s, connections: %s", threadNames(), server.connections)
                .isLessThanOrEqualTo(before));
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("noa-jdk-http"))
                .hasSizeLessThanOrEqualTo(SharedThreads.POOL_SIZE);
        assertThat(server.connections.get()).isEqualTo(1); // the connection was reused every time
    }

    private String roundTrip(URI uri) throws Exception {
        StreamingResponse resp = send(StreamingRequest.builder(uri).build());
        BodyProbe probe = new BodyProbe(Long.MAX_VALUE, true);
        resp.body().subscribe(probe);
        probe.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return probe.text();
    }

    private static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted()
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static int liveThreads() {
        Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
        return (int) all.keySet().stream().filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith("awaitility")) // the test's own poller
                .count();
    }

    /** Requests one buffer at a time until the body ends. */
    static final class Flow1 {
        static void requestUntilDone(BodyProbe probe) throws Exception {
            var s = probe.subscription.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            while (!probe.done.isDone()) {
                int seen = probe.buffers.get();
                s.request(1);
                await().atMost(WAIT).until(() -> probe.buffers.get() > seen || probe.done.isDone());
            }
            probe.done.get();
        }
    }

    /** A listening socket whose accept queue is full, so that further connects hang (Linux). */
    static final class Backlog implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> fillers = new ArrayList<>();

        private Backlog(ServerSocket server) {
            this.server = server;
        }

        static Backlog full() throws Exception {
            Backlog b = new Backlog(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.server.getLocalPort()), 200);
                    b.fillers.add(s);
                } catch (java.io.IOException e) {
                    s.close();
                    break; // the queue is full
                }
            }
            return b;
        }

        URI uri(String scheme) {
            return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + "/");
        }

        @Override
        public void close() throws Exception {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }
}
