package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.StateChange;
import io.noa.realtime.TransportException;
import io.noa.realtime.spi.Headers;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.TransportOptions;
import io.noa.realtime.spi.WebSocketSession;
import io.noa.realtime.testkit.HostileServer;
import io.noa.realtime.testkit.WebSocketTestServer;
import io.noa.realtime.ws.RealtimeClient;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * WebSocket contracts against a {@link HostileServer}: a peer written as an attacker or a broken
 * proxy would write it. Limits hold before memory is spent, a ping flood from a peer that never
 * reads does not queue pongs without bound, errors on a connected client reach {@code onError},
 * and nothing of a closed session stays reachable (no timer, no socket).
 */
public abstract class HostileWebSocketContract extends TransportContractSupport {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A handshake timeout far longer than any test: a timer left armed would outlive the test. */
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(120);

    /** For subclasses. */
    protected HostileWebSocketContract() {}

    /** An unmasked server text frame (payload under 126 bytes). */
    private static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    /** Accepts the upgrade and the JSON envelope handshake (without reading the client's frame). */
    private static void acceptClient(HostileServer.Connection conn) throws java.io.IOException {
        conn.acceptWebSocket(conn.readHead());
        conn.write(textFrame("{\"event\":\"$connected\",\"data\":{\"sid\":\"s-" + conn.index() + "\"}}"));
    }

    /** Sends the head of a text frame declaring {@code length} bytes, then filler, as fast as it is taken. */
    private static void giantFrame(HostileServer.Connection conn, long length) throws java.io.IOException {
        byte[] header = new byte[10];
        header[0] = (byte) 0x81;
        header[1] = 127;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        conn.write(header);
        byte[] filler = new byte[64 * 1024];
        java.util.Arrays.fill(filler, (byte) 'x');
        for (long sent = 0; sent < length; sent += filler.length) {
            conn.write(filler);
        }
        conn.drainUntilClosed();
    }

    private static void gc() {
        System.gc();
        System.runFinalization();
    }

    /**
     * Contract: a text frame declaring 100 MB (the default limit is 16 MiB) ends the session with a
     * {@link LimitExceededException} naming {@code maxWebSocketMessageSize}, once, and the
     * connection is closed; it is not a retryable transport error and not an OutOfMemoryError.
     *
     * @throws Exception on failure
     */
    @Test
    public void hundredMegabyteFrameIsALimitErrorNamingTheSetting() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.webSocketGiantFrame(100L * 1024 * 1024))) {
            Transport transport = newTransport();
            RecordingListener listener = RecordingListener.unbounded();
            transport.webSocket().connect(server.wsUri("/ws"), Headers.empty(), WAIT, listener)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Throwable error = listener.failed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(error).isInstanceOf(LimitExceededException.class);
            assertThat(((LimitExceededException) error).setting()).isEqualTo("maxWebSocketMessageSize");
            assertThat(error.getMessage()).contains("maxWebSocketMessageSize");
            assertThat(io.noa.realtime.RetryPolicy.isRetryable(error)).isFalse();
            assertThat(server.awaitAllClosed(WAIT)).isTrue();
            assertThat(listener.terminals()).isEqualTo(1);
        }
    }

    /**
     * Contract: the message size limit holds before memory is spent: with the limit set to a third
     * of the maximum heap, a frame that claims four times the limit is refused with a
     * {@link LimitExceededException} (a receiver that buffers by doubling, or copies the whole
     * message again, runs out of heap first and reports a retryable error).
     *
     * @throws Exception on failure
     */
    @Test
    public void limitOfAThirdOfTheHeapHoldsBeforeTheHeapRunsOut() throws Exception {
        int limit = (int) Math.min(Integer.MAX_VALUE - 16, Runtime.getRuntime().maxMemory() / 3);
        try (HostileServer server = HostileServer.start(HostileServer.webSocketGiantFrame(4L * limit))) {
            Transport transport = newTransport(TransportOptions.builder().maxWebSocketMessageSize(limit).build());
            RecordingListener listener = RecordingListener.unbounded();
            transport.webSocket().connect(server.wsUri("/ws"), Headers.empty(), WAIT, listener)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Throwable error = listener.failed().get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(error).isInstanceOf(LimitExceededException.class);
            assertThat(io.noa.realtime.RetryPolicy.isRetryable(error)).isFalse();
            assertThat(server.awaitAllClosed(WAIT)).isTrue();
        }
    }

    /**
     * Contract: an upgrade answered with a header line that never ends fails within the connect
     * timeout with a typed error that is not retried (a hang, an OutOfMemoryError or a retry into
     * the next endless head would each cost a socket and its buffers per attempt). The socket is
     * not checked here: {@code java.net.http} on Java 17 fails the exchange at
     * {@code jdk.http.maxHeaderSize} (384 KiB) but leaves the connection open, with no way to
     * close it from outside.
     *
     * @throws Exception on failure
     */
    @Test
    public void endlessHeaderInTheUpgradeIsALimitErrorThatIsNotRetried() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.endlessHeader(Long.MAX_VALUE))) {
            Transport transport = newTransport();
            RecordingListener listener = RecordingListener.unbounded();
            CompletableFuture<WebSocketSession> f = transport.webSocket().connect(server.wsUri("/ws"), Headers.empty(),
                    Duration.ofSeconds(3), listener);
            Throwable error = catchThrowable(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(error).isInstanceOf(java.util.concurrent.ExecutionException.class);
            assertThat(error.getCause()).isInstanceOf(LimitExceededException.class);
            assertThat(io.noa.realtime.RetryPolicy.isRetryable(error.getCause()))
                    .as("an endless head is refused, not retried into another endless head").isFalse();
            assertThat(listener.opens()).isZero();
            assertThat(listener.terminals()).isZero();
        }
    }

    /**
     * Contract: a message over the limit on a CONNECTED client reaches {@code onError} once, as a
     * {@link LimitExceededException}, and the client does not reconnect into the same message
     * (state {@link ConnectionState#FAILED}, one connection only).
     *
     * @throws Exception on failure
     */
    @Test
    public void limitExceededAfterConnectReachesOnErrorOnceAndDoesNotReconnect() throws Exception {
        try (HostileServer server = HostileServer.start(conn -> {
            acceptClient(conn);
            giantFrame(conn, 100L * 1024 * 1024);
        })) {
            Transport transport = newTransport(TransportOptions.builder().maxWebSocketMessageSize(64 * 1024).build());
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<StateChange> changes = new CopyOnWriteArrayList<>();
            try (RealtimeClient client = RealtimeClient.builder(server.wsUri("/ws")).transport(transport)
                    .reconnectionDelay(Duration.ofMillis(10)).reconnectionDelayMax(Duration.ofMillis(20))
                    .timeout(WAIT).autoConnect(false).build()) {
                client.onError(errors::add);
                client.onStateChange(changes::add);
                client.connect();
                await().atMost(WAIT).until(() -> client.state() == ConnectionState.FAILED);
                await().atMost(WAIT).until(() -> !errors.isEmpty());
                assertThat(changes).extracting(StateChange::to).contains(ConnectionState.CONNECTED);
                assertThat(errors).hasSize(1);
                assertThat(errors.get(0)).isInstanceOf(LimitExceededException.class);
                assertThat(changes.get(changes.size() - 1).cause()).containsSame(errors.get(0));
                assertThat(server.connectionsAccepted()).isEqualTo(1);
                assertThat(server.awaitAllClosed(WAIT)).isTrue();
            }
        }
    }

    /**
     * Contract: a transport failure on a CONNECTED client (the peer drops the TCP connection
     * without a close frame) reaches {@code onError} once, besides {@link StateChange#cause()}.
     *
     * @throws Exception on failure
     */
    @Test
    public void transportFailureAfterConnectReachesOnErrorOnce() throws Exception {
        CompletableFuture<Void> drop = new CompletableFuture<>();
        try (HostileServer server = HostileServer.start(conn -> {
            acceptClient(conn);
            try {
                drop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new java.io.IOException(e);
            }
            // returning closes the socket without a close frame
        })) {
            Transport transport = newTransport();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<StateChange> changes = new CopyOnWriteArrayList<>();
            try (RealtimeClient client = RealtimeClient.builder(server.wsUri("/ws")).transport(transport)
                    .reconnection(false).timeout(WAIT).autoConnect(false).build()) {
                client.onError(errors::add);
                client.onStateChange(changes::add);
                client.connect();
                await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
                drop.complete(null);
                await().atMost(WAIT).until(() -> client.state() == ConnectionState.DISCONNECTED);
                await().atMost(WAIT).until(() -> !errors.isEmpty());
                assertThat(errors).hasSize(1);
                assertThat(errors.get(0)).isInstanceOf(TransportException.class);
                assertThat(changes.get(changes.size() - 1).cause()).containsSame(errors.get(0));
            }
        }
    }

    /**
     * Contract (issue 17, defect 14): a session that reads nothing (no demand) still learns that
     * its connection is gone when a write fails: the peer went away, the application keeps sending,
     * and the session ends with {@code onError} (a {@link TransportException}) instead of taking
     * frames into a dead link until something reads. Before, the JDK transport failed each send's
     * future and kept the session open: under a flood of emits, links cut by a proxy were seen
     * seconds late and acks timed out.
     *
     * @throws Exception on failure
     */
    @Test
    public void aSessionThatReadsNothingEndsWhenAWriteFindsTheConnectionGone() throws Exception {
        try (HostileServer server = HostileServer.start(conn -> conn.acceptWebSocket(conn.readHead()))) {
            Transport transport = newTransport();
            RecordingListener listener = new RecordingListener(0); // no demand: the session never reads
            WebSocketSession session = transport.webSocket().connect(server.wsUri("/ws"), Headers.empty(), WAIT, listener)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try {
                assertThat(server.awaitAllClosed(WAIT)).as("the peer went away").isTrue();
                String frame = "x".repeat(1024);
                await().atMost(WAIT).until(() -> {
                    session.sendText(frame).exceptionally(e -> null);
                    return listener.terminals() > 0;
                });
                assertThat(listener.failed()).as("the session ended with an error").isDone();
                assertThat(listener.failed().get()).isInstanceOf(io.noa.realtime.RealtimeException.class);
                assertThat(listener.terminals()).isEqualTo(1);
                assertThat(session.isOpen()).isFalse();
            } finally {
                session.abort();
            }
        }
    }

    /**
     * Contract: a peer that floods pings and never reads cannot make the client queue one pong
     * per ping: what the session holds for sending ({@link WebSocketSession#queuedBytes()}, pongs
     * included) stays bounded while the flood runs.
     *
     * @throws Exception on failure
     */
    @Test
    public void pingFloodFromAPeerThatNeverReadsKeepsTheSendQueueBounded() throws Exception {
        int rounds = 20_000; // 20,000 writes of 1,000 empty pings: 40 MB of ping frames
        CompletableFuture<Void> flooded = new CompletableFuture<>();
        try (HostileServer server = HostileServer.start(conn -> {
            conn.acceptWebSocket(conn.readHead());
            byte[] pings = new byte[2 * 1000];
            for (int i = 0; i < pings.length; i += 2) {
                pings[i] = (byte) 0x89;
            }
            try {
                for (int i = 0; i < rounds; i++) {
                    conn.write(pings);
                }
            } finally {
                flooded.complete(null);
            }
            conn.drainUntilClosed(); // reads only now: whatever the client queued meanwhile flows out
        })) {
            Transport transport = newTransport();
            RecordingListener listener = RecordingListener.unbounded();
            WebSocketSession session = transport.webSocket().connect(server.wsUri("/ws"), Headers.empty(), WAIT, listener)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            AtomicLong most = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread sampler = new Thread(() -> {
                while (!stop.get()) {
                    most.accumulateAndGet(session.queuedBytes(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "ping-flood-sampler");
            sampler.setDaemon(true);
            sampler.start();
            try {
                flooded.get(5, TimeUnit.MINUTES);
            } finally {
                stop.set(true);
                sampler.join();
            }
            most.accumulateAndGet(session.queuedBytes(), Math::max);
            assertThat(listener.failed()).isNotDone();
            assertThat(most.get()).as("bytes queued for sending during the flood").isLessThan(1024L * 1024);
            session.abort();
        }
    }

    /**
     * Contract: after a session closed, nothing of it (its listener) stays reachable from the
     * transport, although the connect timeout (two minutes) has not passed: timers are cancelled
     * on close.
     *
     * @throws Exception on failure
     */
    @Test
    public void closedSessionLeavesNothingReachable() throws Exception {
        try (WebSocketTestServer server = WebSocketTestServer.start()) {
            Transport transport = newTransport();
            WeakReference<RecordingListener> ref = openAndClose(transport, server);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                gc();
                return ref.get() == null;
            });
        }
    }

    private static WeakReference<RecordingListener> openAndClose(Transport transport, WebSocketTestServer server)
            throws Exception {
        RecordingListener listener = RecordingListener.unbounded();
        WebSocketSession session = transport.webSocket().connect(server.uri(), Headers.empty(), LONG_TIMEOUT, listener)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        session.close(1000, "bye");
        listener.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return new WeakReference<>(listener);
    }

    /**
     * Contract: cancelling a connect while the peer has not answered the upgrade closes the
     * socket at once (not when the two-minute connect timeout fires), and nothing of the attempt
     * stays reachable.
     *
     * @throws Exception on failure
     */
    @Test
    public void cancelDuringAnUnansweredUpgradeClosesTheSocketAtOnce() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers())) {
            Transport transport = newTransport();
            WeakReference<RecordingListener> ref = connectAndCancel(transport, server);
            assertThat(server.awaitAllClosed(WAIT)).as("the socket of the cancelled upgrade is closed").isTrue();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                gc();
                return ref.get() == null;
            });
        }
    }

    private static WeakReference<RecordingListener> connectAndCancel(Transport transport, HostileServer server) {
        RecordingListener listener = RecordingListener.unbounded();
        CompletableFuture<WebSocketSession> f = transport.webSocket().connect(server.wsUri("/ws"), Headers.empty(),
                LONG_TIMEOUT, listener);
        await().atMost(WAIT).until(() -> server.requestHeads().size() == 1);
        f.cancel(true);
        assertThat(listener.opens()).isZero();
        return new WeakReference<>(listener);
    }

    /**
     * Contract: a {@link RealtimeClient} closed while its upgrade is unanswered closes the socket
     * at once, and a closed client is not kept reachable by the transport (timers cancelled).
     *
     * @throws Exception on failure
     */
    @Test
    public void closedClientLeavesNoSocketAndIsNotReachable() throws Exception {
        try (HostileServer server = HostileServer.start(HostileServer.neverAnswers())) {
            Transport transport = newTransport();
            WeakReference<RealtimeClient> ref = clientClosedDuringUpgrade(transport, server);
            assertThat(server.awaitAllClosed(WAIT)).as("the socket of the closed client is closed").isTrue();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                gc();
                return ref.get() == null;
            });
        }
    }

    private static WeakReference<RealtimeClient> clientClosedDuringUpgrade(Transport transport, HostileServer server) {
        RealtimeClient client = RealtimeClient.builder(server.wsUri("/ws")).transport(transport).timeout(LONG_TIMEOUT)
                .build();
        await().atMost(WAIT).until(() -> server.requestHeads().size() == 1);
        client.close();
        return new WeakReference<>(client);
    }

    /**
     * Contract: a {@link RealtimeClient} built without a transport loads its own and closes it in
     * {@code close()}: 200 connect/close cycles leave the thread count (and, where
     * {@code /proc/self/fd} exists, the open file count) where it was.
     *
     * @throws Exception on failure
     */
    @Test
    public void clientsThatLoadTheirOwnTransportCloseItLeavingNoThreadsOrFiles() throws Exception {
        final int cycles = 200;
        String name;
        try (Transport probe = transport()) {
            name = probe.name();
        }
        String before = System.getProperty(io.noa.realtime.spi.Transports.PROPERTY);
        System.setProperty(io.noa.realtime.spi.Transports.PROPERTY, name);
        try (HostileServer server = HostileServer.start(conn -> {
            acceptClient(conn);
            conn.drainUntilClosed();
        })) {
            cycle(server); // warm up: class loading, shared pools
            settle();
            int threads = threadCount();
            long files = openFiles();
            for (int i = 0; i < cycles; i++) {
                cycle(server);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                settle();
                assertThat(threadCount()).as(() -> "threads after " + cycles + " cycles: " + threadNames())
                        .isLessThanOrEqualTo(threads);
                assertThat(openFiles()).as("open files after " + cycles + " cycles").isLessThanOrEqualTo(files);
            });
            assertThat(server.awaitAllClosed(WAIT)).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty(io.noa.realtime.spi.Transports.PROPERTY);
            } else {
                System.setProperty(io.noa.realtime.spi.Transports.PROPERTY, before);
            }
        }
    }

    private static void cycle(HostileServer server) {
        try (RealtimeClient client = RealtimeClient.builder(server.wsUri("/ws")).timeout(WAIT).build()) {
            await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
        }
    }

    private static void settle() throws InterruptedException {
        gc();
        Thread.sleep(100);
        gc();
    }

    /** Live threads, not counting Awaitility's own (it polls on a thread of its own). */
    private static int threadCount() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.getName().startsWith("awaitility")).count();
    }

    private static String threadNames() {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            byName.merge(t.getName().replaceAll("[0-9]+", "#"), 1L, Long::sum);
        }
        return byName.toString();
    }

    private static long openFiles() {
        java.io.File[] fds = new java.io.File("/proc/self/fd").listFiles();
        return fds == null ? 0 : fds.length;
    }
}
