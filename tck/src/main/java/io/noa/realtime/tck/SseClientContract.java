package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.IdleTimeoutException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.StreamFormatException;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseClientOptions;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.MockResponse;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link SseClient} contract over a transport: resume with {@code Last-Event-ID} through
 * forced disconnects, idle timeout and heartbeats, stop conditions, {@code Retry-After}, custom
 * event types, header refresh, and byte-level fragmentation.
 */
public abstract class SseClientContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** For subclasses. */
    protected SseClientContract() {}

    private SseClientOptions.Builder client(URI uri) {
        return SseClient.builder(uri).transport(newTransport())
                .retryPolicy(RetryPolicy.builder().unlimitedRetries().initialDelay(Duration.ofMillis(10))
                        .maxDelay(Duration.ofMillis(50)).randomizationFactor(0).build());
    }

    /**
     * Contract: 200 forced disconnects during a 10,000-event stream with ids lose and repeat
     * nothing: every event arrives exactly once, in order.
     */
    @Test
    public void resumesWithLastEventIdThroughForcedDisconnects() {
        try (EventStreamServer server = EventStreamServer.builder().historySize(20_000).start();
                ChaosProxy proxy = ChaosProxy.start(server.uri().getPort());
                SseClient sse = client(proxy.proxied(server.uri())).lastEventId("0").build()) {
            // "0": even a cut before the first event arrived resumes from the start
            List<String> got = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> got.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> server.connectionCount() == 1);
            for (int i = 0; i < 10_000; i++) {
                server.publish("e" + i);
                if (i % 50 == 49) {
                    int before = server.totalConnections();
                    proxy.cutAllConnections();
                    await().atMost(WAIT).until(() -> server.totalConnections() > before);
                }
            }
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> got.size() >= 10_000);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("Received " + got.size() + " of 10,000 events; " + gaps(got)
                        + "; state " + sse.state() + "; Last-Event-IDs seen by the server (last 5): "
                        + tail(server.lastEventIdsSeen(), 5), e);
            }
            List<String> expected = new ArrayList<>(10_000);
            for (int i = 0; i < 10_000; i++) {
                expected.add("e" + i);
            }
            assertThat(got).isEqualTo(expected);
            assertThat(server.totalConnections()).isGreaterThanOrEqualTo(201);
            assertThat(sse.lastEventId()).contains("10000");
        }
    }

    /**
     * Contract: a silent stream is dropped after the idle timeout and replaced; the error is an
     * {@link IdleTimeoutException}.
     */
    @Test
    public void silentStreamIsReconnectedAfterTheIdleTimeout() {
        try (EventStreamServer server = EventStreamServer.start();
                SseClient sse = client(server.uri()).idleTimeout(Duration.ofMillis(300)).build()) {
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            sse.onError(errors::add);
            sse.connect();
            await().atMost(WAIT).until(() -> server.totalConnections() >= 3);
            assertThat(errors).isNotEmpty().allMatch(e -> e instanceof IdleTimeoutException);
        }
    }

    /**
     * Contract: heartbeat comments keep a stream with no events alive.
     *
     * @throws Exception on failure
     */
    @Test
    public void heartbeatCommentsKeepTheStreamAlive() throws Exception {
        try (EventStreamServer server = EventStreamServer.builder().heartbeatEvery(Duration.ofMillis(100)).start();
                SseClient sse = client(server.uri()).idleTimeout(Duration.ofMillis(600)).build()) {
            sse.connect();
            await().atMost(WAIT).until(() -> sse.state() == ConnectionState.CONNECTED);
            Thread.sleep(2_000);
            assertThat(server.totalConnections()).isEqualTo(1);
            assertThat(sse.state()).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    /**
     * Contract: {@code onComment} receives comment lines (heartbeats, a provider's
     * {@code : OPENROUTER PROCESSING}) without their colon, in order with the events, and they
     * never become events; closing the subscription stops them.
     */
    @Test
    public void commentsReachOnCommentInOrderWithEvents() {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream()
                    .write(": OPENROUTER PROCESSING\n\n")
                    .write("data: one\n\n")
                    .write(":heartbeat\n:\n")
                    .write("data: two\n\n").stall().end());
            try (SseClient sse = client(server.baseUri().resolve("/events")).build()) {
                List<String> seen = new CopyOnWriteArrayList<>();
                sse.onComment(c -> seen.add("comment:" + c));
                sse.onEvent(e -> seen.add("event:" + e.data()));
                sse.connect();
                await().atMost(WAIT).until(() -> seen.size() >= 5);
                assertThat(seen).containsExactly("comment:OPENROUTER PROCESSING", "event:one",
                        "comment:heartbeat", "comment:", "event:two");
            }
        }
        try (EventStreamServer server = EventStreamServer.builder().heartbeatEvery(Duration.ofMillis(50)).start();
                SseClient sse = client(server.uri()).build()) {
            List<String> comments = new CopyOnWriteArrayList<>();
            io.noa.realtime.Subscription sub = sse.onComment(comments::add);
            sse.connect();
            await().atMost(WAIT).until(() -> comments.size() >= 3);
            assertThat(comments).allMatch("heartbeat"::equals);
            sub.close();
            int after = comments.size();
            int before = server.totalConnections();
            server.publish("x");
            AtomicInteger events = new AtomicInteger();
            sse.onMessage(e -> events.incrementAndGet());
            server.publish("y");
            await().atMost(WAIT).until(() -> events.get() >= 1);
            // callbacks are serial: one already running when close() returned may still land
            assertThat(comments.size()).isLessThanOrEqualTo(after + 1);
            assertThat(server.totalConnections()).isEqualTo(before);
        }
    }

    /**
     * Contract: an event larger than {@code maxEventSize} stops the client (FAILED) with a
     * {@link LimitExceededException} naming the public setting
     * {@code SseClientOptions.Builder.maxEventSize}, and does not reconnect: a server that replays
     * the same oversized event after {@code Last-Event-ID} must not cause an endless loop.
     */
    @Test
    public void oversizedEventStopsTheClientNamingMaxEventSize() {
        try (EventStreamServer server = EventStreamServer.builder().historySize(10).start();
                SseClient sse = client(server.uri()).maxEventSize(1024).build()) {
            List<String> got = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<io.noa.realtime.StateChange> changes = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> got.add(e.data()));
            sse.onError(errors::add);
            sse.onStateChange(changes::add);
            sse.connect();
            await().atMost(WAIT).until(() -> server.connectionCount() == 1);
            server.publish("small");
            await().atMost(WAIT).until(() -> got.contains("small"));
            server.publish("x".repeat(2000));
            await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED);
            assertThat(errors).singleElement().isInstanceOfSatisfying(LimitExceededException.class, e -> {
                assertThat(e.setting()).isEqualTo("SseClientOptions.Builder.maxEventSize");
                assertThat(e.limit()).isEqualTo(1024);
                assertThat(e.getMessage()).contains("SseClientOptions.Builder.maxEventSize")
                        .doesNotContain("maxEventBytes").doesNotContain("maxLineBytes");
            });
            await().atMost(WAIT).until(() -> changes.stream().anyMatch(c -> c.to() == ConnectionState.FAILED));
            assertThat(changes).filteredOn(c -> c.to() == ConnectionState.FAILED).singleElement()
                    .satisfies(c -> assertThat(c.cause()).containsInstanceOf(LimitExceededException.class));
            assertThat(changes).noneMatch(c -> c.to() == ConnectionState.RECONNECTING);
            assertThat(server.totalConnections()).isEqualTo(1);
            assertThat(got).containsExactly("small");
        }
    }

    /**
     * Contract: a line longer than {@code maxEventSize} (here a comment, so no event data at all)
     * is reported naming {@code SseClientOptions.Builder.maxEventSize} too, and stops the client.
     */
    @Test
    public void oversizedLineNamesMaxEventSize() {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.stream().write(":" + "c".repeat(3000) + "\n\n").stall().end());
            try (SseClient sse = client(server.baseUri().resolve("/events")).maxEventSize(1024).build()) {
                List<Throwable> errors = new CopyOnWriteArrayList<>();
                sse.onError(errors::add);
                sse.connect();
                await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED);
                await().atMost(WAIT).until(() -> !errors.isEmpty());
                assertThat(errors).singleElement().isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.setting()).isEqualTo("SseClientOptions.Builder.maxEventSize"));
                assertThat(server.requests()).hasSize(1);
            }
        }
    }

    /**
     * Contract: 204 and a wrong {@code Content-Type} stop the client (FAILED) with a clear error
     * and no reconnect.
     *
     * @throws Exception on failure
     */
    @Test
    public void noContentAndWrongContentTypeStopWithoutReconnecting() throws Exception {
        try (EventStreamServer server = EventStreamServer.start()) {
            server.respondWith(204, "text/event-stream");
            try (SseClient sse = client(server.uri()).build()) {
                List<Throwable> errors = new CopyOnWriteArrayList<>();
                sse.onError(errors::add);
                sse.connect();
                await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED);
                assertThat(errors).singleElement().isInstanceOfSatisfying(HttpStatusException.class,
                        e -> assertThat(e.status()).isEqualTo(204));
            }
            server.respondWith(200, "text/plain");
            try (SseClient sse = client(server.uri()).build()) {
                List<Throwable> errors = new CopyOnWriteArrayList<>();
                sse.onError(errors::add);
                sse.connect();
                await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED);
                assertThat(errors).singleElement().isInstanceOf(StreamFormatException.class);
                assertThat(errors.get(0).getMessage()).contains("text/plain");
            }
            Thread.sleep(300);
            assertThat(server.totalConnections()).isEqualTo(2);
        }
    }

    /**
     * Contract: 401 and 404 stop the client with an {@link HttpStatusException}; 503 with
     * {@code Retry-After: 1} is retried once, after about a second.
     *
     * @throws Exception on failure
     */
    @Test
    public void clientErrorsStopAndRetryAfterIsHonoured() throws Exception {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            for (int status : new int[] {401, 404}) {
                server.enqueue(MockResponse.error(status, "{\"error\":{\"message\":\"no\",\"type\":\"x\"}}"));
                try (SseClient sse = client(server.baseUri().resolve("/events")).build()) {
                    List<Throwable> errors = new CopyOnWriteArrayList<>();
                    sse.onError(errors::add);
                    sse.connect();
                    await().atMost(WAIT).until(() -> sse.state() == ConnectionState.FAILED);
                    assertThat(errors).singleElement().isInstanceOfSatisfying(HttpStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(status));
                }
            }
            Thread.sleep(300);
            assertThat(server.requests()).hasSize(2);

            server.enqueue(MockResponse.error(503, "{\"error\":{\"message\":\"busy\"}}").withHeader("Retry-After", "1"));
            server.enqueue(MockResponse.stream().write("id: 1\ndata: back\n\n").stall().end());
            try (SseClient sse = client(server.baseUri().resolve("/events")).build()) {
                List<String> got = new CopyOnWriteArrayList<>();
                sse.onMessage(e -> got.add(e.data()));
                long start = System.nanoTime();
                sse.connect();
                await().atMost(WAIT).until(() -> got.contains("back"));
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(elapsedMs).as("waited for Retry-After: 1").isGreaterThanOrEqualTo(900);
                assertThat(server.requests()).hasSize(4);
                assertThat(server.requests().get(3).header("Accept")).contains("text/event-stream");
                assertThat(server.requests().get(3).header("Cache-Control")).contains("no-cache");
            }
        }
    }

    /**
     * Contract: custom event types reach their handlers; the initial {@code Last-Event-ID} is
     * sent; the header supplier is read again on every reconnect.
     */
    @Test
    public void customEventTypesInitialIdAndHeaderRefresh() {
        try (EventStreamServer server = EventStreamServer.builder().historySize(100).start()) {
            server.publish("old-1");
            server.publish("old-2");
            AtomicInteger tokenCalls = new AtomicInteger();
            try (SseClient sse = client(server.uri()).lastEventId("1")
                    .headers(() -> Map.of("Authorization", "Bearer t" + tokenCalls.incrementAndGet())).build()) {
                List<SseEvent> progress = new CopyOnWriteArrayList<>();
                List<String> messages = new CopyOnWriteArrayList<>();
                sse.on("progress", progress::add);
                sse.onMessage(e -> messages.add(e.data()));
                sse.connect();
                await().atMost(WAIT).until(() -> messages.contains("old-2"));
                assertThat(messages).containsExactly("old-2");
                server.publish("progress", "{\"pct\":50}");
                await().atMost(WAIT).until(() -> progress.size() == 1);
                assertThat(progress.get(0).event()).isEqualTo("progress");
                assertThat(progress.get(0).data()).isEqualTo("{\"pct\":50}");
                assertThat(progress.get(0).id()).contains("3");
                server.dropAll();
                await().atMost(WAIT).until(() -> server.totalConnections() >= 2);
                await().atMost(WAIT).until(() -> tokenCalls.get() >= 2);
                assertThat(server.lastEventIdsSeen()).startsWith(Optional.of("1"), Optional.of("3"));
            }
        }
    }

    /** Contract: through a proxy forwarding one byte at a time the events are the same. */
    @Test
    public void oneByteFragmentationGivesTheSameEvents() {
        try (EventStreamServer server = EventStreamServer.builder().historySize(100).start();
                ChaosProxy proxy = ChaosProxy.start(server.uri().getPort())) {
            List<String> data = List.of("plain", "multi\nline", "ünïcödé ✓ 世界", "{\"json\":[1,2,3]}");
            for (String d : data) {
                server.publish("kind", d);
            }
            proxy.fragment(1);
            try (SseClient sse = client(proxy.proxied(server.uri())).lastEventId("0").build()) {
                List<SseEvent> got = new CopyOnWriteArrayList<>();
                sse.onEvent(got::add);
                sse.connect();
                await().atMost(WAIT).until(() -> got.size() == data.size());
                assertThat(got).extracting(SseEvent::data).isEqualTo(data);
                assertThat(got).extracting(SseEvent::event).containsOnly("kind");
            }
        }
    }

    /** Contract: redirects are followed, and the event stream is read from the final location. */
    @Test
    public void redirectsAreFollowed() {
        try (MockInferenceServer server = MockInferenceServer.start()) {
            server.enqueue(MockResponse.body(307, "text/plain", "moved").withHeader("Location", "/events-moved"));
            server.enqueue(MockResponse.stream().write("id: 7\ndata: here\n\n").stall().end());
            try (SseClient sse = client(server.baseUri().resolve("/events")).build()) {
                List<String> got = new CopyOnWriteArrayList<>();
                sse.onMessage(e -> got.add(e.data()));
                sse.connect();
                await().atMost(WAIT).until(() -> got.contains("here"));
                assertThat(server.requests()).extracting(r -> r.path()).containsExactly("/events", "/events-moved");
                assertThat(sse.lastEventId()).contains("7");
            }
        }
    }

    /** Contract: {@code disconnect()} stops reconnecting; {@code connect()} starts again. */
    @Test
    public void disconnectStopsAndConnectResumes() {
        try (EventStreamServer server = EventStreamServer.builder().historySize(100).start();
                SseClient sse = client(server.uri()).build()) {
            List<String> got = new CopyOnWriteArrayList<>();
            sse.onMessage(e -> got.add(e.data()));
            sse.connect();
            await().atMost(WAIT).until(() -> server.connectionCount() == 1);
            assertThat(sse.state()).isEqualTo(ConnectionState.CONNECTED);
            server.publish("a");
            await().atMost(WAIT).until(() -> got.size() == 1);
            sse.disconnect();
            assertThat(sse.state()).isEqualTo(ConnectionState.DISCONNECTED);
            await().atMost(WAIT).until(() -> server.connectionCount() == 0);
            server.publish("b");
            sse.connect();
            await().atMost(WAIT).until(() -> got.size() == 2);
            assertThat(got).containsExactly("a", "b");
            assertThat(server.totalConnections()).isEqualTo(2);
        }
    }

    private static String gaps(List<String> got) {
        java.util.Set<String> have = new java.util.HashSet<>(got);
        StringBuilder missing = new StringBuilder();
        int count = 0;
        for (int i = 0; i < 10_000; i++) {
            if (!have.contains("e" + i)) {
                if (count++ < 20) {
                    missing.append(i).append(' ');
                }
            }
        }
        return count + " missing (first: " + missing.toString().trim() + "), " + (got.size() - have.size()) + " duplicates";
    }

    private static <T> List<T> tail(List<T> list, int n) {
        return list.subList(Math.max(0, list.size() - n), list.size());
    }
}
