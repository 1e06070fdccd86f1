package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reliability scenarios against the real npm {@code socket.io} 4.8.4 server with
 * {@code connectionStateRecovery} on (the sior block of {@code server.js}): ack timeout + retries,
 * per-emit timeouts, volatile emits, the server's {@code maxPayload} on send, connection-state
 * recovery, and many concurrent acks. One subclass per transport supplies {@link #newTransport()}.
 */
abstract class SocketIoReliabilityScenarios extends SocketIoScenarioBase {

    @Override
    void startServers() {
        server = SocketIoTestServer.startWithRecovery();
    }

    private RealtimeClient client(String user, UnaryOperator<RealtimeOptions.Builder> tune) {
        RealtimeOptions.Builder b = RealtimeClient.builder(server.uri()).protocol(SocketIo.v5()).transport(transport)
                .auth(Map.of("token", "t-" + user)).reconnectionDelay(Duration.ofMillis(100)).timeout(WAIT);
        RealtimeClient c = tune.apply(b).build();
        toClose.add(c);
        return c;
    }

    private RealtimeClient connected(String user, UnaryOperator<RealtimeOptions.Builder> tune) {
        RealtimeClient c = client(user, tune);
        await().atMost(WAIT).until(c::isConnected);
        return c;
    }


    private static List<String> ids(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("id").asText()).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ ack timeout + retries

    @Test
    void ackTimeoutPlusRetriesDeliversAtLeastOnceWithANewAckIdPerTry() throws Exception {
        RealtimeClient c = connected("retry1", b -> b.ackTimeout(Duration.ofMillis(400)).retries(3));

        JsonNode answer = get(c.emitWithAck("sior:flaky", "a1/2")); // the server ignores the first 2 tries

        assertThat(answer.path("tries").asInt()).isEqualTo(3);
        JsonNode seen = server.hook("/sior/flaky?key=a1");
        assertThat(seen.path("tries").asInt()).isEqualTo(3);
        List<Long> ids = new ArrayList<>();
        seen.path("ids").forEach(n -> ids.add(n.asLong()));
        assertThat(ids).hasSize(3).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void retriesExhaustedFailWithAckTimeoutAfterRetriesPlusOneTries() {
        RealtimeClient c = connected("retry2", b -> b.ackTimeout(Duration.ofMillis(300)).retries(1));

        CompletableFuture<JsonNode> f = c.emitWithAck("sior:flaky", "a2/5");
        await().atMost(WAIT).until(f::isDone);

        assertThat(catchThrowable(f::join)).hasCauseInstanceOf(AckTimeoutException.class);
        assertThat(server.hook("/sior/flaky?key=a2").path("tries").asInt()).isEqualTo(2);
    }

    @Test
    void withRetriesOnePacketIsInFlightAtATimeInOrder() throws Exception {
        RealtimeClient c = connected("retry3", b -> b.ackTimeout(Duration.ofMillis(300)).retries(2));

        CompletableFuture<JsonNode> first = c.emitWithAck("sior:flaky", "a3/1");  // answered on its 2nd try
        CompletableFuture<JsonNode> second = c.emitWithAck("sior:flaky", "a4/0"); // answered at once
        assertThat(get(second).path("tries").asInt()).isEqualTo(1);
        assertThat(first).isCompleted();
        assertThat(get(first).path("tries").asInt()).isEqualTo(2);

        // the second went out only after the first's retry was answered: its id is after both tries
        JsonNode a3 = server.hook("/sior/flaky?key=a3");
        JsonNode a4 = server.hook("/sior/flaky?key=a4");
        assertThat(a3.path("ids")).hasSize(2);
        assertThat(a4.path("ids").get(0).asLong()).isGreaterThan(a3.path("ids").get(1).asLong());
    }

    @Test
    void aPerEmitTimeoutOverridesTheAckTimeout() {
        RealtimeClient c = connected("timeout1", b -> b.ackTimeout(Duration.ofMinutes(10)));

        CompletableFuture<JsonNode> f = c.emitWithAck("sior:flaky", "a5/1", Duration.ofMillis(300));
        await().atMost(WAIT).until(f::isDone); // far before the 10 minutes of ackTimeout

        assertThat(catchThrowable(f::join)).hasCauseInstanceOf(AckTimeoutException.class);
        assertThat(c.isConnected()).isTrue();
    }

    @Test
    void anUnackedPacketIsSentAgainWithANewIdAfterTheLinkDrops() throws Exception {
        RealtimeClient c = connected("replay1", b -> b.ackTimeout(Duration.ofMinutes(10)).retries(2));
        c.emit("sior:note", "an event so that the session has an offset"); // not needed for the replay itself

        CompletableFuture<JsonNode> f = c.emitWithAck("sior:flaky", "a6/1"); // the first try is never answered
        await().atMost(WAIT).until(() -> server.hook("/sior/flaky?key=a6").path("tries").asInt() == 1);
        server.hook("/sior/drop?user=replay1");

        assertThat(get(f).path("tries").asInt()).isEqualTo(2); // re-sent after the reconnect
        JsonNode seen = server.hook("/sior/flaky?key=a6");
        assertThat(seen.path("ids").get(1).asLong()).isGreaterThan(seen.path("ids").get(0).asLong());
    }

    // ------------------------------------------------------------------ volatile

    @Test
    void volatileEmitsAreDroppedUnlessConnectedAndCounted() throws Exception {
        RealtimeClient c = client("vol1", b -> b.autoConnect(false));

        assertThat(c.emitVolatile("sior:note", "volatile while disconnected")).isFalse();
        c.emit("sior:note", "buffered while disconnected");
        assertThat(c.droppedVolatileEmits()).isEqualTo(1);
        assertThat(c.pendingEmits()).isEqualTo(1); // the plain emit waits; the volatile one does not

        c.connect();
        await().atMost(WAIT).until(c::isConnected);
        assertThat(c.emitVolatile("sior:note", "volatile while connected")).isTrue();
        get(c.emitWithAck("echo", "marker")); // all earlier frames reached the server

        assertThat(server.hook("/sior/notes?user=vol1").path("notes")).extracting(JsonNode::asText)
                .containsExactly("buffered while disconnected", "volatile while connected");
        assertThat(c.droppedVolatileEmits()).isEqualTo(1);

        c.disconnect();
        assertThat(c.emitVolatile("sior:note", "after disconnect")).isFalse(); // dropped, not thrown
        assertThat(c.droppedVolatileEmits()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ maxPayload

    @Test
    void anEmitOverTheServersMaxPayloadFailsTypedAndTheLinkStaysUp() throws Exception {
        RealtimeClient c = connected("big1", b -> b);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<String> disconnects = new CopyOnWriteArrayList<>();
        c.onError(errors::add);
        c.onDisconnect(disconnects::add);
        String big = "x".repeat(1_000_001); // the server's maxPayload is its maxHttpBufferSize, 1e6 by default

        CompletableFuture<JsonNode> acked = c.emitWithAck("echo", big);
        await().atMost(WAIT).until(acked::isDone);
        assertThat(catchThrowable(acked::join)).cause().isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.setting()).isEqualTo("maxPayload");
            assertThat(e.limit()).isEqualTo(1_000_000);
            assertThat(e).hasMessageContaining("'echo'").hasMessageContaining("1000000");
        });

        c.emit("echo", big); // a plain emit: reported to onError
        await().atMost(WAIT).until(() -> !errors.isEmpty());
        assertThat(errors).singleElement().isInstanceOf(LimitExceededException.class);

        // no server close: the same link still works
        assertThat(get(c.emitWithAck("echo", "small")).path("args").get(0).asText()).isEqualTo("small");
        assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(disconnects).isEmpty();
        assertThat(get(c.emitWithAck("echo", "y".repeat(900_000))).path("args").get(0).asText()).hasSize(900_000);
    }

    // ------------------------------------------------------------------ connection-state recovery

    @Test
    void aKilledTransportRecoversTheSessionWithEveryMissedMessageOnceInOrder() throws Exception {
        RealtimeClient alice = connected("rec-alice", b -> b);
        RealtimeClient bob = connected("rec-bob", b -> b);
        List<JsonNode> bobGot = new CopyOnWriteArrayList<>();
        bob.on("message:new", bobGot::add);
        List<Boolean> recoveredAtConnect = new CopyOnWriteArrayList<>();
        bob.onConnect(() -> recoveredAtConnect.add(bob.recovered()));
        alice.rooms().join("rec").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        bob.rooms().join("rec").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String sid = bob.sessionId().orElseThrow();
        assertThat(bob.recovered()).isFalse();

        server.hook("/sior/broadcast?room=rec&prefix=pre&n=3");
        await().atMost(WAIT).until(() -> bobGot.size() == 3);
        // kill bob's transport; while he is away the room gets 5 messages
        assertThat(server.hook("/sior/drop?user=rec-bob&room=rec&n=5").path("reason").asText())
                .isEqualTo("transport close");

        await().atMost(WAIT).until(() -> recoveredAtConnect.size() == 1);
        assertThat(recoveredAtConnect).containsExactly(true);
        assertThat(bob.recovered()).isTrue();
        assertThat(bob.sessionId()).contains(sid);
        await().atMost(WAIT).until(() -> bobGot.size() >= 8);
        // the room is still bob's (restored by the server), without a second room:join
        get(alice.emitWithAck("message:send", Map.of("roomId", "rec", "content", "after")));
        await().atMost(WAIT).until(() -> bobGot.size() >= 9);
        assertThat(ids(bobGot)).hasSize(9).startsWith("pre1", "pre2", "pre3", "missed1", "missed2", "missed3",
                "missed4", "missed5");
        assertThat(bobGot.get(3).path("content").asText()).isEqualTo("missed 1"); // offsets stripped
        assertThat(bobGot.get(8).path("content").asText()).isEqualTo("after");
        assertThat(server.hook("/sior/joins?user=rec-bob").path("joins").asInt()).isEqualTo(1);
        assertThat(bob.rooms().joined()).containsExactly("rec");
        JsonNode last = server.hook("/sior/last?user=rec-bob");
        assertThat(last.path("recovered").asBoolean()).isTrue();
        // the private session id is never shown
        String pid = last.path("pid").asText();
        assertThat(pid).isNotEmpty();
        assertThat(bob.toString()).doesNotContain(pid);
        assertThat(bob.options().toString()).doesNotContain(pid);
    }

    @Test
    void anExplicitDisconnectIsNotRecovered() throws Exception {
        RealtimeClient bob = connected("rec-carol", b -> b);
        List<JsonNode> got = new CopyOnWriteArrayList<>();
        bob.on("message:new", got::add);
        bob.rooms().join("rec2").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        server.hook("/sior/broadcast?room=rec2&prefix=pre&n=2");
        await().atMost(WAIT).until(() -> got.size() == 2); // the session has an offset
        String sid = bob.sessionId().orElseThrow();

        bob.disconnect();
        await().atMost(WAIT).until(() -> !server.hook("/sior/last?user=rec-carol").path("connected").asBoolean());
        server.hook("/sior/broadcast?room=rec2&prefix=gone&n=2");
        bob.connect();
        await().atMost(WAIT).until(bob::isConnected);

        assertThat(bob.recovered()).isFalse();
        assertThat(bob.sessionId()).isPresent().isNotEqualTo(java.util.Optional.of(sid));
        assertThat(server.hook("/sior/last?user=rec-carol").path("recovered").asBoolean()).isFalse();
        // a new session: the rooms helper joins again, and what was sent meanwhile is not replayed
        await().atMost(WAIT).until(() -> server.hook("/sior/joins?user=rec-carol").path("joins").asInt() == 2);
        await().atMost(WAIT).until(() -> bob.rooms().joined().contains("rec2"));
        server.hook("/sior/broadcast?room=rec2&prefix=new&n=1");
        await().atMost(WAIT).until(() -> got.size() >= 3);
        assertThat(ids(got)).containsExactly("pre1", "pre2", "new1");
    }

    // ------------------------------------------------------------------ many acks

    @Test
    void twentyThousandConcurrentAcksCompleteWithoutAThreadPerAck() throws Exception {
        RealtimeClient c = connected("many1", b -> b.ackTimeout(Duration.ofMinutes(1)));
        get(c.emitWithAck("echo", "warm up"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        threads.resetPeakThreadCount();

        int n = 20_000;
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            acks.add(c.emitWithAck("echo", i));
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

        int peak = threads.getPeakThreadCount();
        int after = threads.getThreadCount();
        System.out.printf("20000 concurrent acks: threads before %d, peak %d, after %d%n", before, peak, after);
        for (int i = 0; i < n; i++) {
            assertThat(acks.get(i).join().path("args").get(0).asInt()).isEqualTo(i);
        }
        assertThat(peak - before).as("threads created while 20,000 acks were pending").isLessThan(16);
    }
}
