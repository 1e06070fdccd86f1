package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.StateChange;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.ws.RealtimeClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO scenarios against the real npm {@code socket.io} 4.8.4 server; one subclass per
 * transport supplies {@link #newTransport()}.
 */
abstract class SocketIoScenarios extends SocketIoScenarioBase {


    private RealtimeClient client(SocketIoTestServer s, SocketIo protocol, Object auth) {
        RealtimeClient c = RealtimeClient.builder(s.uri())
                .protocol(protocol)
                .transport(transport)
                .auth(auth)
                .reconnectionDelay(Duration.ofMillis(100))
                .timeout(WAIT)
                .build();
        toClose.add(c);
        return c;
    }

    private RealtimeClient user(String name) {
        RealtimeClient c = client(server, SocketIo.v5(), Map.of("token", "t-" + name));
        await().atMost(WAIT).until(c::isConnected);
        return c;
    }


    @Test
    void refusedAuthFailsWithTheServersMessageAndDataAndDoesNotReconnect() {
        List<StateChange> changes = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        RealtimeClient c = RealtimeClient.builder(server.uri()).protocol(SocketIo.v5()).transport(transport)
                .auth(Map.of("token", "wrong")).reconnectionDelay(Duration.ofMillis(50)).timeout(WAIT)
                .autoConnect(false).build();
        toClose.add(c);
        c.onStateChange(changes::add);
        c.onError(errors::add);
        c.connect();

        await().atMost(WAIT).until(() -> c.state() == ConnectionState.FAILED);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).isInstanceOfSatisfying(SocketIoConnectException.class, e -> {
            assertThat(e.serverMessage()).isEqualTo("unauthorized");
            assertThat(e.namespace()).isEqualTo("/");
            assertThat(e.data().path("code").asInt()).isEqualTo(401);
            assertThat(e.data().path("reason").asText()).isEqualTo("bad token");
            assertThat(e).hasMessageContaining("unauthorized").hasMessageNotContaining("wrong");
        });
        // FAILED is terminal: one attempt, no reconnect
        assertThat(changes).extracting(StateChange::to)
                .containsExactly(ConnectionState.CONNECTING, ConnectionState.FAILED);
        assertThat(server.hook("/stats").path("connections").asInt()).isZero();
    }

    @Test
    void unknownNamespaceIsRefusedWithTheServersMessage() {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        RealtimeClient c = RealtimeClient.builder(server.uri()).protocol(SocketIo.v5().namespace("/nope"))
                .transport(transport).auth(Map.of("token", "t-alice")).timeout(WAIT).autoConnect(false).build();
        toClose.add(c);
        c.onError(errors::add);
        c.connect();

        await().atMost(WAIT).until(() -> c.state() == ConnectionState.FAILED);
        assertThat(errors).singleElement().isInstanceOfSatisfying(SocketIoConnectException.class,
                e -> assertThat(e.serverMessage()).isEqualTo("Invalid namespace"));
    }

    @Test
    void roomsBroadcastsAndAcksBetweenTwoClients() throws Exception {
        RealtimeClient alice = user("alice");
        RealtimeClient bob = user("bob");
        List<String> aliceSawJoin = new CopyOnWriteArrayList<>();
        alice.rooms().onMemberJoined(m -> aliceSawJoin.add(m.roomId() + "/" + m.userId()));
        List<JsonNode> bobGot = new CopyOnWriteArrayList<>();
        bob.on("message:new", bobGot::add);

        alice.rooms().join("general").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        bob.rooms().join("general").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> aliceSawJoin.contains("general/bob"));
        assertThat(alice.rooms().joined()).containsExactly("general");

        JsonNode answer = get(alice.emitWithAck("message:send", Map.of("roomId", "general", "content", "hello bob")));
        assertThat(answer.path("ok").asBoolean()).isTrue();
        assertThat(answer.path("id").asText()).startsWith("m");

        await().atMost(WAIT).until(() -> !bobGot.isEmpty());
        assertThat(bobGot).singleElement().satisfies(m -> {
            assertThat(m.path("userId").asText()).isEqualTo("alice");
            assertThat(m.path("content").asText()).isEqualTo("hello bob");
            assertThat(m.path("id").asText()).isEqualTo(answer.path("id").asText());
        });

        // leaving: the room no longer delivers to bob
        bob.rooms().leave("general").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        get(alice.emitWithAck("message:send", Map.of("roomId", "general", "content", "gone?")));
        JsonNode marker = get(bob.emitWithAck("echo", "after"));
        assertThat(marker.path("args").get(0).asText()).isEqualTo("after");
        assertThat(bobGot).hasSize(1);
    }

    @Test
    void typingIndicatorAndPresenceWorkWithTheGuidesEventNames() throws Exception {
        RealtimeClient alice = user("alice");
        RealtimeClient bob = user("bob");
        alice.rooms().join("typing-room").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        bob.rooms().join("typing-room").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        io.noa.realtime.ws.TypingIndicator bobSees = bob.typing("typing-room"); // listening before alice types

        alice.typing("typing-room").startTyping();
        await().atMost(WAIT).until(() -> bobSees.typingUsers().contains("alice"));
        alice.typing("typing-room").stopTyping();
        await().atMost(WAIT).until(() -> bobSees.typingUsers().isEmpty());

        alice.presence().update("away", Map.of("device", "phone"));
        await().atMost(WAIT).until(() -> bob.presence().get("alice").isPresent());
        assertThat(bob.presence().get("alice").orElseThrow().status()).isEqualTo("away");
        assertThat(bob.presence().get("alice").orElseThrow().metadata().path("device").asText()).isEqualTo("phone");
    }

    @Test
    void aRefusedRoomJoinFailsTheJoinWithTheServersError() {
        RealtimeClient alice = user("alice");
        java.util.concurrent.CompletableFuture<Void> join = alice.rooms().join("");
        await().atMost(WAIT).until(join::isDone);
        assertThat(join).isCompletedExceptionally();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(join::join)).hasRootCauseInstanceOf(
                RealtimeException.class).rootCause().hasMessageContaining("roomId missing");
    }

    @Test
    void theServerAsksAndTheClientAnswersThroughItsResponder() {
        RealtimeClient alice = user("alice");
        alice.respond("server:ping", data -> Map.of("pong", data.path("n").asInt(), "from", "java"));

        JsonNode reply = server.hook("/ask?user=alice&event=server:ping");
        assertThat(reply.path("answer").path("pong").asInt()).isEqualTo(42);
        assertThat(reply.path("answer").path("from").asText()).isEqualTo("java");
    }

    @Test
    void aResponderMayAnswerLaterWithACompletionStage() {
        RealtimeClient alice = user("alice");
        java.util.concurrent.CompletableFuture<Object> later = new java.util.concurrent.CompletableFuture<>();
        AtomicInteger asked = new AtomicInteger();
        alice.respond("server:ping", data -> {
            asked.incrementAndGet();
            return later;
        });
        java.util.concurrent.CompletableFuture<JsonNode> reply = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> server.hook("/ask?user=alice&event=server:ping"));
        await().atMost(WAIT).until(() -> asked.get() == 1); // asked, not answered yet

        later.complete(Map.of("pong", "later"));

        assertThat(reply.join().path("answer").path("pong").asText()).isEqualTo("later");
    }

    @Test
    void aNamedNamespaceConnectsWithAuthAndKeepsItsPacketsApart() throws Exception {
        RealtimeClient admin = client(server, SocketIo.v5().namespace("/admin"), Map.of("token", "t-root"));
        RealtimeClient main = user("alice");
        await().atMost(WAIT).until(admin::isConnected);
        assertThat(admin.sessionId()).isPresent();

        JsonNode a = get(admin.emitWithAck("echo", "to admin"));
        assertThat(a.path("nsp").asText()).isEqualTo("/admin");
        assertThat(a.path("args").get(0).asText()).isEqualTo("to admin");
        JsonNode m = get(main.emitWithAck("echo", "to main"));
        assertThat(m.path("nsp").asText()).isEqualTo("/");

        admin.respond("server:ping", data -> Map.of("ns", "admin"));
        JsonNode reply = server.hook("/ask?user=root&event=server:ping&nsp=/admin");
        assertThat(reply.path("answer").path("ns").asText()).isEqualTo("admin");
    }

    @Test
    void aServerKickEndsInDisconnectedWithoutReconnect() {
        RealtimeClient alice = user("alice");
        List<String> reasons = new CopyOnWriteArrayList<>();
        alice.onDisconnect(reasons::add);

        assertThat(server.hook("/kick?user=alice").path("kicked").asInt()).isEqualTo(1);

        await().atMost(WAIT).until(() -> alice.state() == ConnectionState.DISCONNECTED);
        assertThat(reasons).containsExactly("io server disconnect");
    }

    @Test
    void aClientDisconnectSaysGoodbyeAndTheServerDropsTheSocket() {
        RealtimeClient alice = user("alice");
        await().atMost(WAIT).until(() -> server.hook("/stats").path("connections").asInt() == 1);

        alice.disconnect();

        assertThat(alice.state()).isEqualTo(ConnectionState.CLOSED);
        await().atMost(WAIT).until(() -> server.hook("/stats").path("connections").asInt() == 0);
    }

    @Test
    void serverPingsAreAnsweredSoTheLinkOutlivesManyPingIntervals() throws Exception {
        // the server closes a client that does not answer within pingInterval + pingTimeout (500 ms here)
        try (SocketIoTestServer fast = SocketIoTestServer.start(Duration.ofMillis(200), Duration.ofMillis(300))) {
            List<StateChange> changes = new CopyOnWriteArrayList<>();
            RealtimeClient c = client(fast, SocketIo.v5(), Map.of("token", "t-alice"));
            c.onStateChange(changes::add);
            await().atMost(WAIT).until(c::isConnected);

            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> c.state() == ConnectionState.CONNECTED);

            assertThat(changes).extracting(StateChange::to).containsExactly(ConnectionState.CONNECTED);
            assertThat(get(c.emitWithAck("echo", "still here")).path("args").get(0).asText()).isEqualTo("still here");
            assertThat(fast.hook("/stats").path("connects").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aSilentLinkIsDeadAfterPingIntervalPlusPingTimeoutAndTheReconnectReReadsAuth() throws Exception {
        try (SocketIoTestServer fast = SocketIoTestServer.start(Duration.ofMillis(1000), Duration.ofMillis(500));
                ChaosProxy proxy = ChaosProxy.start(fast.uri().getPort())) {
            AtomicInteger tokens = new AtomicInteger();
            List<String> reasons = new CopyOnWriteArrayList<>();
            RealtimeClient c = RealtimeClient.builder(proxy.proxied(fast.uri())).protocol(SocketIo.v5())
                    .transport(transport).authSupplier(() -> Map.of("token", "t-link" + tokens.incrementAndGet()))
                    .reconnectionDelay(Duration.ofMillis(100)).timeout(Duration.ofSeconds(3)).build();
            toClose.add(c);
            c.onDisconnect(reasons::add);
            c.respond("server:ping", data -> Map.of("pong", true));
            await().atMost(WAIT).until(c::isConnected);
            // a frame other than a ping arrives last (the ack), then silence: the window slides from it
            assertThat(get(c.emitWithAck("echo", "last words")).path("args").get(0).asText()).isEqualTo("last words");

            proxy.blackHole(true); // the socket stays open, nothing arrives: only the missing pings tell
            await().atMost(WAIT).until(() -> c.state() == ConnectionState.RECONNECTING);
            assertThat(reasons).containsExactly("ping timeout");
            proxy.blackHole(false);

            await().atMost(WAIT).until(c::isConnected);
            int n = tokens.get();
            assertThat(n).isGreaterThanOrEqualTo(2);
            // the server knows the live socket by the token of the last attempt
            assertThat(fast.hook("/ask?user=link" + n + "&event=server:ping").path("answer").path("pong").asBoolean())
                    .isTrue();
        }
    }

    @Test
    void theOfficialNodeClientAndOurClientShareARoom() throws Exception {
        RealtimeClient alice = user("alice");
        alice.respond("server:ping", data -> Map.of("pong", "java"));
        List<JsonNode> aliceGot = new CopyOnWriteArrayList<>();
        alice.on("message:new", aliceGot::add);
        List<String> aliceSawTyping = new CopyOnWriteArrayList<>();
        alice.typing("interop").onChange(users -> aliceSawTyping.addAll(users));
        alice.rooms().join("interop").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        try (NodeProcess carol = new NodeProcess("client.js", server.httpUrl(), "t-carol", "interop")) {
            await().atMost(WAIT).until(() -> has(carol, "joined"));

            // Java -> Node, acked by the server
            JsonNode ack = get(alice.emitWithAck("message:send", Map.of("roomId", "interop", "content", "hi carol")));
            assertThat(ack.path("ok").asBoolean()).isTrue();
            await().atMost(WAIT).until(() -> has(carol, "message"));
            JsonNode atCarol = first(carol, "message");
            assertThat(atCarol.path("userId").asText()).isEqualTo("alice");
            assertThat(atCarol.path("content").asText()).isEqualTo("hi carol");

            // Node -> Java, acked by the server
            carol.command("send hi alice");
            await().atMost(WAIT).until(() -> has(carol, "ack") && !aliceGot.isEmpty());
            assertThat(first(carol, "ack").path("answer").path("ok").asBoolean()).isTrue();
            assertThat(aliceGot).singleElement().satisfies(m -> {
                assertThat(m.path("userId").asText()).isEqualTo("carol");
                assertThat(m.path("content").asText()).isEqualTo("hi alice");
            });

            // typing from Node seen by our TypingIndicator
            carol.command("typing");
            await().atMost(WAIT).until(() -> aliceSawTyping.contains("carol"));

            // the server asks each of them
            assertThat(server.hook("/ask?user=carol&event=server:ping").path("answer").path("pong").asText())
                    .isEqualTo("node-client");
            assertThat(server.hook("/ask?user=alice&event=server:ping").path("answer").path("pong").asText())
                    .isEqualTo("java");
        }
    }
}
