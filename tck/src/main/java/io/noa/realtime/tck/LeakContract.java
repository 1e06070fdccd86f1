package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.chat.ChatRequest;
import io.noa.realtime.chat.Message;
import io.noa.realtime.chat.StreamingChat;
import io.noa.realtime.chat.StreamingMessage;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.spi.Transports;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.testkit.MockInferenceServer;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.RealtimeClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Open/close cycles of each client type (a real exchange in each), with a transport per cycle
 * given by the test and with the client loading (and owning) its own: afterwards our threads, the
 * process's open file descriptors and the heap after GC are back to what they were after a short
 * warm-up, the server sees no connection left, and the transport's buffer leak detector (where it
 * has one, see {@link #bufferLeaks()}) reported nothing.
 *
 * <p>Slack: {@value #FD_SLACK} file descriptors (the JVM opens jars and the like lazily) and
 * {@value #HEAP_SLACK_MB} MiB of heap (what a GC leaves as floating garbage on a busy 2-core
 * machine); a leak of one socket or one client per cycle exceeds both within the cycles run, and
 * open sockets have a slack of {@value #SOCKET_SLACK} only. 300 cycles per test by default (100
 * for the chat tests and realtime on a given transport, whose leaks showed within fewer and which
 * cost more), {@code -Dnoa.soak=long} runs 10,000 (see {@link SoakSettings}).
 */
@Tag("leak")
public abstract class LeakContract extends TransportContractSupport {
    static final int FD_SLACK = 16;
    static final int HEAP_SLACK_MB = 8;
    /** Sockets are not opened lazily by the JVM: a closing one or two may still be on their way out. */
    static final int SOCKET_SLACK = 2;
    static final int CI_CYCLES = 300;
    static final int CI_CYCLES_SHORT = 100;
    private static final int WARM_UP = 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** For subclasses. */
    protected LeakContract() {}

    /**
     * The leaks of pooled buffers the transport's own detector reported so far (e.g. Netty's
     * {@code ResourceLeakDetector} at PARANOID); empty where the transport pools no memory.
     *
     * @return the leak reports, empty for none
     */
    protected List<String> bufferLeaks() {
        return List.of();
    }

    /** One open, use and close. */
    @FunctionalInterface
    private interface Cycle {
        void run(Transport transportOrNull) throws Exception;
    }

    private static int cycles(int ci) {
        return SoakSettings.pick("leak.cycles", ci, 10_000);
    }

    private void runCycles(boolean ownTransport, Cycle cycle, Runnable serverIdle) throws Exception {
        runCycles(ownTransport, cycle, serverIdle, CI_CYCLES);
    }

    /**
     * @param ciCycles the cycles of the CI setting: {@value #CI_CYCLES}, or {@value #CI_CYCLES_SHORT}
     *     for tests whose leaks show within fewer (a kept connection fails the server-side check,
     *     a kept thread the thread check and a kept socket the socket check, none with slack)
     */
    private void runCycles(boolean ownTransport, Cycle cycle, Runnable serverIdle, int ciCycles) throws Exception {
        if (ownTransport) {
            try (Transport probe = transport(); Transport loaded = Transports.load()) {
                Assumptions.assumeTrue(loaded.name().equals(probe.name()),
                        "the transport a client loads itself is not the one under test");
            }
        }
        for (int i = 0; i < WARM_UP; i++) {
            once(ownTransport, cycle);
        }
        serverIdle.run();
        awaitTransportThreadsGone();
        ResourceSnapshot before = ResourceSnapshot.take();
        String fdsBefore = ResourceSnapshot.fdSummary();
        int socketsBefore = ResourceSnapshot.openSockets();
        int n = cycles(ciCycles);
        for (int i = 0; i < n; i++) {
            once(ownTransport, cycle);
        }
        serverIdle.run();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            ResourceSnapshot after = ResourceSnapshot.take();
            assertThat(after.threads()).as("our threads after %d cycles (before: %s)", n, before).isLessThanOrEqualTo(before.threads());
            if (before.fds() >= 0) {
                assertThat(after.fds()).as("open fds after %d cycles (before: %s; by kind before %s, after %s)", n, before,
                        fdsBefore, ResourceSnapshot.fdSummary())
                        .isLessThanOrEqualTo(before.fds() + FD_SLACK);
                assertThat(ResourceSnapshot.openSockets()).as("open sockets after %d cycles (by kind before %s, after %s)",
                        n, fdsBefore, ResourceSnapshot.fdSummary()).isLessThanOrEqualTo(socketsBefore + SOCKET_SLACK);
            }
            assertThat(after.heap()).as("heap after GC after %d cycles (before: %s)", n, before)
                    .isLessThanOrEqualTo(before.heap() + HEAP_SLACK_MB * 1024L * 1024L);
        });
        ResourceSnapshot after = ResourceSnapshot.take();
        System.out.printf("[figure] %d cycles (%s transport): threads %d -> %d, fds %d -> %d, heap after GC %d KiB -> %d KiB%n",
                n, ownTransport ? "own" : "given", before.threads(), after.threads(), before.fds(), after.fds(),
                before.heap() / 1024, after.heap() / 1024);
        assertThat(bufferLeaks()).as("buffer leaks reported by the transport").isEmpty();
    }

    private void once(boolean ownTransport, Cycle cycle) throws Exception {
        if (ownTransport) {
            cycle.run(null);
        } else {
            try (Transport t = transport()) {
                cycle.run(t);
            }
        }
    }

    /**
     * Waits for the server to see every connection closed, with a GC between looks: on Java 17 the
     * JDK's {@code HttpClient} has no {@code close()}, so the sockets it pooled go when it is
     * collected.
     */
    private static void awaitWithGc(java.util.function.IntSupplier open) {
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (open.getAsInt() == 0) {
                    return true;
                }
                System.gc();
                return false;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the server still sees " + open.getAsInt() + " connections open " + WAIT
                    + " after the last client and transport were closed (with a GC every 250 ms); our threads: "
                    + ResourceSnapshot.ourThreads() + ", fds by kind: " + ResourceSnapshot.fdSummary(), e);
        }
    }

    /**
     * The shared threads of a transport end a while after its last user closed (and a JDK
     * {@code HttpClient}'s selector thread when the client is collected); wait for that, so the
     * baseline is as low as it gets.
     */
    private static void awaitTransportThreadsGone() {
        // threads of other tests' transports may stay (their GC-bound JDK clients): the baseline is
        // taken once no thread is left, or once the count has not changed for longer than a pool
        // thread's idle time
        long settleNanos = Duration.ofSeconds(6).toNanos();
        long[] last = {-1, System.nanoTime()};
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                int n = ResourceSnapshot.ourThreads();
                long now = System.nanoTime();
                if (n == 0) {
                    return true;
                }
                if (n != last[0]) {
                    last[0] = n;
                    last[1] = now;
                }
                System.gc(); // on Java 17 a closed JDK HttpClient's selector thread ends when it is collected
                return now - last[1] >= settleNanos;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // some transports keep a thread or two for a while; the baseline then counts them
        }
    }

    private static void chatCycle(MockInferenceServer server, Transport t) throws Exception {
        StreamingChat.Builder b = StreamingChat.builder(server.chatUri()).apiKey("sk-leak").model("mock-model");
        if (t != null) {
            b.transport(t);
        }
        try (StreamingChat chat = b.build()) {
            StreamingMessage m = chat.send(ChatRequest.builder().message(Message.user("hi")).build()).result()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(m.content()).isEqualTo("leak-free");
        }
    }

    private static void sseCycle(EventStreamServer server, Transport t) throws Exception {
        var b = SseClient.builder(server.uri()).lastEventId("0");
        if (t != null) {
            b.transport(t);
        }
        try (SseClient sse = b.build()) {
            CountDownLatch got = new CountDownLatch(1);
            sse.onMessage(e -> got.countDown());
            sse.connect();
            assertThat(got.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("an event arrived").isTrue();
        }
    }

    private static void realtimeCycle(RoomServer server, Transport t) throws Exception {
        var b = RealtimeClient.builder(server.uri()).auth(Map.of("token", "t-leak")).timeout(Duration.ofSeconds(10));
        if (t != null) {
            b.transport(t);
        }
        try (RealtimeClient client = b.build()) {
            client.connect();
            assertThat(client.emitWithAck("probe", Map.of("n", 1)).get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .path("n").asInt()).isEqualTo(1);
        }
    }

    private static MockInferenceServer chatServer() {
        return MockInferenceServer.builder().defaultReply("leak-free").start();
    }

    private static EventStreamServer sseServer() {
        EventStreamServer server = EventStreamServer.builder().historySize(10).start();
        server.publish("hello");
        return server;
    }

    private static RoomServer roomServer() {
        return RoomServer.builder().token("t-leak", "leaky").start();
    }

    /**
     * Contract: chat clients, each on a transport of its own closed after it, leak nothing.
     *
     * @throws Exception on failure
     */
    @Test
    public void chatCyclesOnAGivenTransportLeakNothing() throws Exception {
        try (MockInferenceServer server = chatServer()) {
            runCycles(false, t -> {
                chatCycle(server, t);
                server.clearRecorded(); // the server in this JVM records every request
            }, () -> awaitWithGc(server::openConnections), CI_CYCLES_SHORT);
        }
    }

    /**
     * Contract: chat clients that load their own transport leak nothing once closed.
     *
     * @throws Exception on failure
     */
    @Test
    public void chatCyclesWithTheirOwnTransportLeakNothing() throws Exception {
        try (MockInferenceServer server = chatServer()) {
            runCycles(true, t -> {
                chatCycle(server, t);
                server.clearRecorded(); // the server in this JVM records every request
            }, () -> awaitWithGc(server::openConnections), CI_CYCLES_SHORT);
        }
    }

    /**
     * Contract: SSE clients, each on a transport of its own closed after it, leak nothing.
     *
     * @throws Exception on failure
     */
    @Test
    public void sseCyclesOnAGivenTransportLeakNothing() throws Exception {
        try (EventStreamServer server = sseServer()) {
            runCycles(false, t -> {
                sseCycle(server, t);
                server.clearRecorded();
            }, () -> awaitWithGc(server::connectionCount));
        }
    }

    /**
     * Contract: SSE clients that load their own transport leak nothing once closed.
     *
     * @throws Exception on failure
     */
    @Test
    public void sseCyclesWithTheirOwnTransportLeakNothing() throws Exception {
        try (EventStreamServer server = sseServer()) {
            runCycles(true, t -> {
                sseCycle(server, t);
                server.clearRecorded();
            }, () -> awaitWithGc(server::connectionCount));
        }
    }

    /**
     * Contract: realtime clients, each on a transport of its own closed after it, leak nothing.
     *
     * @throws Exception on failure
     */
    @Test
    public void realtimeCyclesOnAGivenTransportLeakNothing() throws Exception {
        try (RoomServer server = roomServer()) {
            runCycles(false, t -> {
                realtimeCycle(server, t);
                server.clearRecorded();
            }, () -> awaitWithGc(server::connectedClients), CI_CYCLES_SHORT);
        }
    }

    /**
     * Contract: realtime clients that load their own transport leak nothing once closed (issue 17,
     * defect 13: the JDK transport's client never closed the transport it loaded).
     *
     * @throws Exception on failure
     */
    @Test
    public void realtimeCyclesWithTheirOwnTransportLeakNothing() throws Exception {
        try (RoomServer server = roomServer()) {
            runCycles(true, t -> {
                realtimeCycle(server, t);
                server.clearRecorded();
            }, () -> awaitWithGc(server::connectedClients));
        }
    }
}
