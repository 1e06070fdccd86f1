package io.noa.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionClosedException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.ProtocolException;
import io.noa.realtime.event.EventType;
import io.noa.realtime.spi.Transport;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.ws.Presence;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import io.noa.realtime.ws.TypingIndicator;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link RealtimeClient} contract (events, acknowledgements, rooms, presence, typing,
 * reconnection, heartbeats) over a transport, against the testkit {@link RoomServer}.
 */
public abstract class RealtimeClientContract extends TransportContractSupport {
    /** For subclasses. */
    protected RealtimeClientContract() {}

    /** The message payload used in these tests. */
    public static final class Chat {
        /** An empty message, for Jackson. */
        public Chat() {}

        /** Room. */
        public String roomId;
        /** Sender. */
        public String userId;
        /** Text. */
        public String content;
        /** Server-assigned id. */
        public String id;
    }

    private Transport shared;

    private synchronized Transport sharedTransport() {
        if (shared == null) {
            shared = newTransport();
        }
        return shared;
    }

    private RealtimeOptions.Builder client(RoomServer server, String token) {
        return RealtimeClient.builder(server.uri()).transport(sharedTransport()).auth(Map.of("token", token))
                .reconnectionDelay(Duration.ofMillis(50)).reconnectionDelayMax(Duration.ofMillis(200))
                .randomizationFactor(0).timeout(Duration.ofSeconds(10));
    }

    private static RoomServer server() {
        return RoomServer.builder().token("t-alice", "alice").token("t-bob", "bob").token("t-carol", "carol")
                .forbidRoom("vault").start();
    }

    /**
     * Contract: Two clients in a room see messages presence and typing with acks.
     *
     * @throws Exception on failure
     */
    @Test
    public void twoClientsInARoomSeeMessagesPresenceAndTypingWithAcks() throws Exception {
        try (RoomServer server = server();
                RealtimeClient alice = client(server, "t-alice").build();
                RealtimeClient bob = client(server, "t-bob").build()) {
            List<Chat> bobGot = new CopyOnWriteArrayList<>();
            bob.on(EventType.of("message:new", Chat.class), bobGot::add);
            List<String> joined = new CopyOnWriteArrayList<>();
            alice.rooms().onMemberJoined(e -> joined.add(e.userId() + "@" + e.roomId()));

            alice.rooms().join("room-1").get(10, TimeUnit.SECONDS);
            bob.rooms().join("room-1").get(10, TimeUnit.SECONDS);
            assertThat(server.members("room-1")).containsExactly("alice", "bob");
            await().atMost(Duration.ofSeconds(10)).until(() -> joined.contains("bob@room-1"));

            JsonNode ack = alice.emitWithAck("message:send", Map.of("roomId", "room-1", "content", "Hello!"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(ack.path("ok").asBoolean()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> bobGot.size() == 1);
            assertThat(bobGot.get(0).content).isEqualTo("Hello!");
            assertThat(bobGot.get(0).userId).isEqualTo("alice");
            assertThat(bobGot.get(0).id).isEqualTo(ack.path("id").asText());

            alice.presence().update("online", Map.of("device", "desktop"));
            await().atMost(Duration.ofSeconds(10)).until(() -> bob.presence().get("alice").isPresent());
            Presence.Entry p = bob.presence().get("alice").orElseThrow();
            assertThat(p.status()).isEqualTo("online");
            assertThat(p.metadata().path("device").asText()).isEqualTo("desktop");

            TypingIndicator bobTyping = bob.typing("room-1");
            alice.typing("room-1").startTyping();
            await().atMost(Duration.ofSeconds(10)).until(() -> bobTyping.typingUsers().contains("alice"));
            alice.typing("room-1").stopTyping();
            await().atMost(Duration.ofSeconds(10)).until(() -> bobTyping.typingUsers().isEmpty());
        }
    }

    /**
     * Contract: Typed ack answer and echo.
     *
     * @throws Exception on failure
     */
    @Test
    public void typedAckAnswerAndEcho() throws Exception {
        try (RoomServer server = server(); RealtimeClient alice = client(server, "t-alice").build()) {
            List<JsonNode> echoes = new CopyOnWriteArrayList<>();
            alice.on("echo", echoes::add);
            Chat answer = alice.emitWithAck("echo", Map.of("content", "x"), Chat.class, Duration.ofSeconds(10))
                    .get(10, TimeUnit.SECONDS);
            assertThat(answer.content).isEqualTo("x");
            await().atMost(Duration.ofSeconds(10)).until(() -> echoes.size() == 1);
            assertThat(alice.sessionId()).isPresent();
        }
    }

    /**
     * Contract: Emits made before connecting are flushed in order.
     *
     * @throws Exception on failure
     */
    @Test
    public void emitsMadeBeforeConnectingAreFlushedInOrder() throws Exception {
        try (RoomServer server = server();
                RealtimeClient bob = client(server, "t-bob").build();
                RealtimeClient alice = client(server, "t-alice").autoConnect(false).build()) {
            List<String> got = new CopyOnWriteArrayList<>();
            bob.on(EventType.of("message:new", Chat.class), c -> got.add(c.content));
            bob.rooms().join("r").get(10, TimeUnit.SECONDS);
            alice.rooms().join("r");
            for (int i = 0; i < 50; i++) {
                alice.emit("message:send", Map.of("roomId", "r", "content", "m" + i));
            }
            assertThat(alice.pendingEmits()).isEqualTo(50);
            alice.connect();
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 50);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add("m" + i);
            }
            assertThat(got).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Contract: Abrupt server close reconnects rejoins and flushes buffered emits exactly once.
     *
     * @throws Exception on failure
     */
    @Test
    public void abruptServerCloseReconnectsRejoinsAndFlushesBufferedEmitsExactlyOnce() throws Exception {
        try (RoomServer server = server();
                RealtimeClient bob = client(server, "t-bob").heartbeatInterval(Duration.ofMillis(300))
                        .pongTimeout(Duration.ofMillis(500)).build();
                RealtimeClient alice = client(server, "t-alice").reconnectionDelay(Duration.ofMillis(1500))
                        .reconnectionDelayMax(Duration.ofMillis(1500)).heartbeatInterval(Duration.ofMillis(300))
                        .pongTimeout(Duration.ofMillis(500)).build()) {
            // the link drop is noticed from the socket, or at the latest by the heartbeat (a
            // transport may miss a FIN; java.net.http sometimes does while a send is in flight)
            // alice waits longer than bob needs to notice the drop (at worst heartbeat interval + pong
            // timeout) and reconnect, so her emits of the gap are buffered and bob is back in the room
            // when they flush (the room server keeps no history)
            List<String> got = new CopyOnWriteArrayList<>();
            bob.on(EventType.of("message:new", Chat.class), c -> got.add(c.content));
            bob.rooms().join("r").get(10, TimeUnit.SECONDS);
            alice.rooms().join("r").get(10, TimeUnit.SECONDS);
            List<String> reasons = new CopyOnWriteArrayList<>();
            alice.onDisconnect(reasons::add);
            List<String> history = new CopyOnWriteArrayList<>();
            alice.onStateChange(c -> history.add("alice " + c));
            bob.onStateChange(c -> history.add("bob " + c));
            alice.onError(e -> history.add("alice error " + e));
            bob.onError(e -> history.add("bob error " + e));

            for (int round = 0; round < 3; round++) {
                int base = round * 10;
                for (int i = 0; i < 5; i++) {
                    alice.emit("message:send", Map.of("roomId", "r", "content", "m" + (base + i)));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == base + 5);
                int disconnects = round + 1;
                server.closeAllAbruptly();
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> reasons.size() == disconnects);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("Disconnect " + disconnects + " not seen: alice " + alice.state()
                            + ", server clients " + server.connectedClients() + ", history " + history, e);
                }
                assertThat(alice.isConnected()).isFalse();
                for (int i = 5; i < 10; i++) {
                    alice.emit("message:send", Map.of("roomId", "r", "content", "m" + (base + i)));
                }
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> alice.isConnected() && bob.isConnected()
                            && server.members("r").containsAll(Set.of("alice", "bob")));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("Not back in the room after disconnect " + disconnects + ": alice "
                            + alice.state() + ", bob " + bob.state() + ", members " + server.members("r")
                            + ", history " + history, e);
                }
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == base + 10);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("Bob got " + got + " after disconnect " + disconnects + "; history "
                            + history, e);
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add("m" + i);
            }
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(reasons).hasSize(3);
        }
    }

    /**
     * Contract: Half open link is detected by the heartbeat and reconnected.
     *
     * @throws Exception on failure
     */
    @Test
    public void halfOpenLinkIsDetectedByTheHeartbeatAndReconnected() throws Exception {
        try (RoomServer server = server();
                // a reconnect that reaches the server while it is still silent loses its handshake:
                // a 2 s handshake timeout lets the next attempt come well within the wait below
                RealtimeClient alice = client(server, "t-alice").heartbeatInterval(Duration.ofMillis(200))
                        .pongTimeout(Duration.ofMillis(300)).timeout(Duration.ofSeconds(2)).build()) {
            alice.rooms().join("r").get(10, TimeUnit.SECONDS);
            List<String> reasons = new CopyOnWriteArrayList<>();
            alice.onDisconnect(reasons::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.pingsReceived() > 0);
            server.silent(true);
            long lost = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> reasons.contains("ping timeout"));
            long detectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost);
            server.silent(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> alice.isConnected() && server.members("r").contains("alice"));
            // detected after at most one interval plus the pong timeout (plus scheduling slack)
            assertThat(detectMs).as("detection time in ms").isLessThan(200 + 300 + 5_000);
        }
    }

    /**
     * Contract: a link black-holed by a proxy (sockets open, nothing forwarded) is detected by the
     * heartbeat; the client reconnects and re-joins its rooms once the path is back.
     *
     * @throws Exception on failure
     */
    @Test
    public void blackHoledLinkIsDetectedAndRoomsAreRejoined() throws Exception {
        try (RoomServer server = server();
                io.noa.realtime.testkit.ChaosProxy proxy = io.noa.realtime.testkit.ChaosProxy.start(server.uri().getPort());
                RealtimeClient alice = RealtimeClient.builder(proxy.proxied(server.uri())).transport(sharedTransport())
                        .auth(Map.of("token", "t-alice")).reconnectionDelay(Duration.ofMillis(50))
                        .reconnectionDelayMax(Duration.ofMillis(200)).randomizationFactor(0)
                        .timeout(Duration.ofSeconds(2)).heartbeatInterval(Duration.ofMillis(200))
                        .pongTimeout(Duration.ofMillis(300)).build()) {
            alice.rooms().join("r").get(10, TimeUnit.SECONDS);
            List<String> reasons = new CopyOnWriteArrayList<>();
            alice.onDisconnect(reasons::add);
            proxy.blackHole(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty());
            assertThat(reasons.get(0)).isEqualTo("ping timeout");
            proxy.blackHole(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> alice.isConnected() && server.members("r").contains("alice"));
            assertThat(alice.rooms().joined()).contains("r");
        }
    }

    /**
     * Contract: Auth supplier is called again on every reconnect.
     *
     * @throws Exception on failure
     */
    @Test
    public void authSupplierIsCalledAgainOnEveryReconnect() throws Exception {
        try (RoomServer server = RoomServer.builder().token("v1", "alice").token("v2", "alice").start()) {
            AtomicInteger calls = new AtomicInteger();
            try (RealtimeClient alice = RealtimeClient.builder(server.uri()).transport(sharedTransport())
                    .authSupplier(() -> Map.of("token", "v" + calls.incrementAndGet()))
                    .reconnectionDelay(Duration.ofMillis(50)).reconnectionDelayMax(Duration.ofMillis(100)).build()) {
                await().atMost(Duration.ofSeconds(10)).until(alice::isConnected);
                server.closeAllAbruptly();
                await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 2 && alice.isConnected());
                assertThat(server.authPayloads()).extracting(n -> n.path("token").asText()).containsExactly("v1", "v2");
            }
        }
    }

    /**
     * Contract: Refused auth fails without reconnecting.
     *
     * @throws Exception on failure
     */
    @Test
    public void refusedAuthFailsWithoutReconnecting() throws Exception {
        try (RoomServer server = server()) {
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            try (RealtimeClient mallory = client(server, "stolen").autoConnect(false).build()) {
                mallory.onError(errors::add);
                mallory.connect();
                await().atMost(Duration.ofSeconds(10)).until(() -> mallory.state() == ConnectionState.FAILED);
                assertThat(errors).singleElement().isInstanceOf(HandshakeException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains("invalid token").doesNotContain("stolen"));
                Thread.sleep(300);
                assertThat(server.authPayloads()).hasSize(1);
                assertThatThrownBy(() -> mallory.emit("x", 1)).isInstanceOf(ConnectionClosedException.class);
            }
        }
    }

    /**
     * Contract: Refused upgrade is a handshake exception with status.
     *
     * @throws Exception on failure
     */
    @Test
    public void refusedUpgradeIsAHandshakeExceptionWithStatus() throws Exception {
        try (RoomServer server = server()) {
            server.refuseHandshakes(404);
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            try (RealtimeClient c = client(server, "t-alice").autoConnect(false).build()) {
                c.onError(errors::add);
                c.connect();
                await().atMost(Duration.ofSeconds(10)).until(() -> c.state() == ConnectionState.FAILED);
                assertThat(errors).singleElement().isInstanceOfSatisfying(HandshakeException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
            }
        }
    }

    /**
     * Contract: Thousand pending acks time out on the scheduler without new threads.
     *
     * @throws Exception on failure
     */
    @Test
    public void thousandPendingAcksTimeOutOnTheSchedulerWithoutNewThreads() throws Exception {
        try (RoomServer server = RoomServer.builder().token("t", "u").start(); RealtimeClient c = client(server, "t").build()) {
            await().atMost(Duration.ofSeconds(10)).until(c::isConnected);
            // warm up: one acknowledged emit, so every lazily started thread of the transport exists
            c.emitWithAck("echo", 1).get(10, TimeUnit.SECONDS);
            server.silent(true);
            int before = ManagementFactory.getThreadMXBean().getThreadCount();
            List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                acks.add(c.emitWithAck("q", i, Duration.ofMillis(300)));
            }
            int during = ManagementFactory.getThreadMXBean().getThreadCount();
            for (CompletableFuture<JsonNode> f : acks) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AckTimeoutException.class);
            }
            assertThat(during - before).as("threads created for 1,000 pending acks").isLessThanOrEqualTo(1);
        }
    }

    /**
     * Contract: Pending acks fail clearly when the link drops.
     *
     * @throws Exception on failure
     */
    @Test
    public void pendingAcksFailClearlyWhenTheLinkDrops() throws Exception {
        try (RoomServer server = RoomServer.builder().token("t", "u").start(); RealtimeClient c = client(server, "t").build()) {
            await().atMost(Duration.ofSeconds(10)).until(c::isConnected);
            server.silent(true);
            CompletableFuture<JsonNode> ack = c.emitWithAck("q", 1, Duration.ofSeconds(30));
            server.closeAllAbruptly();
            assertThatThrownBy(() -> ack.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
        }
    }

    /**
     * Contract: Buffer overflow is a typed error to the caller.
     *
     * @throws Exception on failure
     */
    @Test
    public void bufferOverflowIsATypedErrorToTheCaller() throws Exception {
        try (RoomServer server = server();
                RealtimeClient c = client(server, "t-alice").autoConnect(false).maxPendingEmits(10).build()) {
            for (int i = 0; i < 10; i++) {
                c.emit("e", i);
            }
            assertThatThrownBy(() -> c.emit("e", 10)).isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("maxPendingEmits");
            assertThat(c.pendingEmits()).isEqualTo(10);
        }
    }

    /**
     * Contract: Typing stops automatically and lost remote stops expire.
     *
     * @throws Exception on failure
     */
    @Test
    public void typingStopsAutomaticallyAndLostRemoteStopsExpire() throws Exception {
        try (RoomServer server = server();
                RealtimeClient alice = client(server, "t-alice").build();
                RealtimeClient bob = client(server, "t-bob").build()) {
            alice.rooms().join("r").get(10, TimeUnit.SECONDS);
            bob.rooms().join("r").get(10, TimeUnit.SECONDS);
            TypingIndicator.Timings fast = TypingIndicator.Timings.of(Duration.ofMillis(300), Duration.ofMillis(200),
                    Duration.ofMillis(500));
            TypingIndicator a = alice.typing("r", fast);
            TypingIndicator b = bob.typing("r", fast);
            List<Set<String>> changes = Collections.synchronizedList(new ArrayList<>());
            b.onChange(changes::add);

            a.startTyping();
            a.startTyping();
            a.startTyping();
            assertThat(a.isTyping()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.typingUsers().contains("alice"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.isTyping());
            await().atMost(Duration.ofSeconds(10)).until(() -> b.typingUsers().isEmpty());
            long starts = server.receivedFrames().stream().filter(f -> f.contains("typing:start")).count();
            long stops = server.receivedFrames().stream().filter(f -> f.contains("typing:stop")).count();
            assertThat(starts).as("repeated startTyping() is throttled").isEqualTo(1);
            assertThat(stops).as("idle auto-stop sent").isEqualTo(1);

            // a remote start whose stop is lost expires by itself
            server.sendTo("bob", "typing:start", Map.of("roomId", "r", "userId", "ghost"));
            await().atMost(Duration.ofSeconds(10)).until(() -> b.typingUsers().contains("ghost"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !b.typingUsers().contains("ghost"));
        }
    }

    /**
     * Contract: Bad input from the server goes to the error handler and the connection stays.
     *
     * @throws Exception on failure
     */
    @Test
    public void badInputFromTheServerGoesToTheErrorHandlerAndTheConnectionStays() throws Exception {
        try (RoomServer server = server(); RealtimeClient alice = client(server, "t-alice").build()) {
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            alice.onError(errors::add);
            List<Chat> chats = new CopyOnWriteArrayList<>();
            alice.on(EventType.of("message:new", Chat.class), chats::add);
            await().atMost(Duration.ofSeconds(10)).until(alice::isConnected);

            server.sendRaw("{this is not json");
            server.sendRaw("{\"event\":\"no-such-event\",\"data\":1}");
            server.sendRaw("{\"event\":\"message:new\",\"data\":[\"not\",\"a\",\"chat\"]}");
            server.sendRaw("{\"event\":\"message:new\",\"data\":{\"content\":\"fine\"}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> chats.size() == 1 && errors.size() == 2);
            assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(ProtocolException.class));
            assertThat(alice.isConnected()).isTrue();
            assertThat(alice.emitWithAck("echo", 1).get(10, TimeUnit.SECONDS).asInt()).isEqualTo(1);
        }
    }

    /**
     * Contract: Forbidden room join fails and is forgotten.
     *
     * @throws Exception on failure
     */
    @Test
    public void forbiddenRoomJoinFailsAndIsForgotten() throws Exception {
        try (RoomServer server = server(); RealtimeClient alice = client(server, "t-alice").build()) {
            CompletableFuture<Void> join = alice.rooms().join("vault");
            assertThatThrownBy(() -> join.get(10, TimeUnit.SECONDS)).hasMessageContaining("forbidden");
            await().atMost(Duration.ofSeconds(10)).until(() -> !alice.rooms().joined().contains("vault"));
        }
    }

    /**
     * Contract: Disconnect is closed and stays closed.
     *
     * @throws Exception on failure
     */
    @Test
    public void disconnectIsClosedAndStaysClosed() throws Exception {
        try (RoomServer server = server(); RealtimeClient alice = client(server, "t-alice").build()) {
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            alice.onStateChange(s -> states.add(s.to()));
            await().atMost(Duration.ofSeconds(10)).until(alice::isConnected);
            alice.disconnect();
            assertThat(alice.state()).isEqualTo(ConnectionState.CLOSED);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectedClients() == 0);
            Thread.sleep(300);
            assertThat(alice.state()).isEqualTo(ConnectionState.CLOSED);
            assertThat(states).endsWith(ConnectionState.CLOSED);
            alice.connect();
            await().atMost(Duration.ofSeconds(10)).until(alice::isConnected);
        }
    }

    /**
     * Contract: while 8 threads emit acknowledged events and the server drops every link again
     * and again, every acknowledgement ends exactly once: with its own answer, or (pending acks
     * fail on a link drop by default) a {@link ConnectionClosedException}; none hangs, no thread
     * deadlocks.
     *
     * @throws Exception on failure
     */
    @Test
    public void everyAckEndsOnceWhileEightThreadsEmitThroughLinkResets() throws Exception {
        acksThroughLinkResets(false);
    }

    /**
     * Contract: the same with {@code resendAcksOnReconnect}: acks pending at a link drop are sent
     * again after the reconnect, so none fails with {@link ConnectionClosedException}.
     *
     * @throws Exception on failure
     */
    @Test
    public void replayedAcksEndOnceWhileEightThreadsEmitThroughLinkResets() throws Exception {
        acksThroughLinkResets(true);
    }

    private void acksThroughLinkResets(boolean replay) throws Exception {
        try (RoomServer server = RoomServer.builder().token("t", "u").start();
                RealtimeClient c = client(server, "t").maxPendingEmits(100_000).resendAcksOnReconnect(replay)
                        .heartbeatInterval(Duration.ofMillis(300)).pongTimeout(Duration.ofMillis(500)).build()) {
            await().atMost(Duration.ofSeconds(10)).until(c::isConnected);
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<String> deadlocks = new CopyOnWriteArrayList<>();
            Thread watchdog = new Thread(() -> {
                while (running.get()) {
                    long[] ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
                    if (ids != null) {
                        deadlocks.add(java.util.Arrays.toString(ManagementFactory.getThreadMXBean().getThreadInfo(ids, true, true)));
                        return;
                    }
                    sleep(20);
                }
            }, "deadlock-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            int perThread = 150;
            List<Map.Entry<Integer, CompletableFuture<JsonNode>>> acks = new CopyOnWriteArrayList<>();
            List<Thread> emitters = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * perThread;
                Thread emitter = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int n = base + i;
                        acks.add(Map.entry(n, c.emitWithAck("q", n, Duration.ofSeconds(60))));
                        c.emit("plain", n);
                        if (i % 10 == 0) {
                            sleep(5);
                        }
                    }
                }, "emitter-" + t);
                emitters.add(emitter);
                emitter.start();
            }
            for (int drop = 0; drop < 6; drop++) {
                sleep(40);
                server.closeAllAbruptly();
            }
            for (Thread e : emitters) {
                e.join(TimeUnit.MINUTES.toMillis(2));
            }
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> acks.size() == 8 * perThread
                        && acks.stream().allMatch(a -> a.getValue().isDone()));
            } finally {
                running.set(false);
                watchdog.join(TimeUnit.MINUTES.toMillis(1));
            }
            int answered = 0;
            for (Map.Entry<Integer, CompletableFuture<JsonNode>> a : acks) {
                try {
                    assertThat(a.getValue().get().asInt()).as("the answer of its own emit").isEqualTo(a.getKey());
                    answered++;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (replay) {
                        assertThat(e.getCause()).isInstanceOf(AckTimeoutException.class);
                    } else {
                        assertThat(e.getCause()).isInstanceOfAny(ConnectionClosedException.class, AckTimeoutException.class);
                    }
                }
            }
            assertThat(answered).isPositive();
            assertThat(deadlocks).isEmpty();
            assertThat(ManagementFactory.getThreadMXBean().findDeadlockedThreads()).isNull();
            await().atMost(Duration.ofSeconds(20)).until(c::isConnected);
            assertThat(c.emitWithAck("q", -1).get(20, TimeUnit.SECONDS).asInt()).isEqualTo(-1);
        }
    }

    /**
     * Contract: user code (the auth supplier, listeners, event handlers, responders, ack futures,
     * room, presence and typing callbacks) never runs while the client holds one of its own locks,
     * through connect, traffic, a dropped link and the reconnect.
     *
     * @throws Exception on failure
     */
    @Test
    public void userCodeNeverRunsUnderTheClientsLocks() throws Exception {
        List<String> underLock = new CopyOnWriteArrayList<>();
        try (RoomServer server = server();
                RealtimeClient bob = client(server, "t-bob").build();
                // a short heartbeat: a transport may miss the FIN of the abrupt close below
                RealtimeClient alice = client(server, "t-alice").autoConnect(false).heartbeatInterval(Duration.ofMillis(300))
                        .pongTimeout(Duration.ofMillis(500)).authSupplier(() -> {
                    noClientLockHeld("auth supplier", underLock);
                    return Map.of("token", "t-alice");
                }).build()) {
            alice.onStateChange(c -> noClientLockHeld("state listener", underLock));
            alice.onConnect(() -> noClientLockHeld("connect listener", underLock));
            alice.onDisconnect(r -> noClientLockHeld("disconnect listener", underLock));
            alice.onError(e -> noClientLockHeld("error listener", underLock));
            List<JsonNode> got = new CopyOnWriteArrayList<>();
            alice.on("message:new", d -> {
                noClientLockHeld("event handler", underLock);
                got.add(d);
            });
            alice.respond("server:ping", d -> {
                noClientLockHeld("responder", underLock);
                return d;
            });
            alice.presence().onChange(p -> noClientLockHeld("presence listener", underLock));
            alice.typing("r").onChange(t -> noClientLockHeld("typing listener", underLock));
            CompletableFuture<Void> joined = alice.rooms().join("r")
                    .whenComplete((v, e) -> noClientLockHeld("room join future", underLock));
            alice.connect();
            joined.get(10, TimeUnit.SECONDS);
            bob.rooms().join("r").get(10, TimeUnit.SECONDS);
            bob.emit("message:send", Map.of("roomId", "r", "content", "hi"));
            bob.presence().update("online", null);
            bob.typing("r").startTyping();
            alice.emitWithAck("q", 1).whenComplete((v, e) -> noClientLockHeld("ack future", underLock))
                    .get(10, TimeUnit.SECONDS);
            server.sendRaw("{\"event\":\"server:ping\",\"data\":1,\"ack\":5}");
            server.sendRaw("{not json");
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
            List<String> reasons = new CopyOnWriteArrayList<>();
            alice.onDisconnect(reasons::add);
            CompletableFuture<JsonNode> lost = alice.emitWithAck("q", 2, Duration.ofSeconds(30))
                    .whenComplete((v, e) -> noClientLockHeld("ack future at link loss", underLock));
            server.closeAllAbruptly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty() && lost.isDone());
            await().atMost(Duration.ofSeconds(20)).until(() -> alice.isConnected() && server.members("r").contains("alice"));
        }
        assertThat(underLock).isEmpty();
    }

    /** Records {@code what} if the calling thread holds a monitor taken in the client's own code. */
    private static void noClientLockHeld(String what, List<String> underLock) {
        java.lang.management.ThreadInfo info = ManagementFactory.getThreadMXBean()
                .getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false)[0];
        for (java.lang.management.MonitorInfo m : info.getLockedMonitors()) {
            StackTraceElement frame = m.getLockedStackFrame();
            if (frame != null && frame.getClassName().startsWith("io.noa.realtime.ws.")) {
                underLock.add(what + " ran holding a lock taken in " + frame);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
