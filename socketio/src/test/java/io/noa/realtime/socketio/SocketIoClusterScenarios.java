package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.TypingIndicator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scale-out: two real socket.io 4.8.4 server processes (the workers of one Node {@code cluster},
 * each on its own 127.0.0.1 port) joined by {@code @socket.io/cluster-adapter} 0.3.0
 * ({@code sio-server/cluster-server.js}); one unchanged Java client on each worker, in the same
 * room. One subclass per transport supplies {@link #newTransport()}.
 */
abstract class SocketIoClusterScenarios extends SocketIoScenarioBase {
    private static final String ROOM = "scale-out";

    private NodeProcess cluster;
    private final List<URI> workers = new ArrayList<>();
    @Override
    void startServers() {
        cluster = new NodeProcess("cluster-server.js", "2");
        await("the Node cluster's two workers to listen").atMost(Duration.ofSeconds(60))
                .until(() -> cluster.lines.contains("CLUSTER READY") || !cluster.isAlive());
        if (!cluster.lines.contains("CLUSTER READY")) {
            throw new AssertionError("The Node socket.io cluster exited before listening (is"
                    + " @socket.io/cluster-adapter installed by `npm ci`?): " + cluster.lines);
        }
        URI[] byIndex = new URI[2];
        for (String line : cluster.lines) {
            if (line.startsWith("WORKER ")) {
                String[] p = line.split(" "); // WORKER <i> LISTENING <port>
                byIndex[Integer.parseInt(p[1])] = URI.create("ws://127.0.0.1:" + Integer.parseInt(p[3]));
            }
        }
        workers.addAll(List.of(byIndex));
    }

    @Override
    void stopServers() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private RealtimeClient user(String name, int worker) {
        RealtimeClient c = RealtimeClient.builder(workers.get(worker))
                .protocol(SocketIo.v5())
                .transport(transport)
                .auth(Map.of("token", "t-" + name))
                .timeout(WAIT)
                .build();
        toClose.add(c);
        await().atMost(WAIT).until(c::isConnected);
        return c;
    }


    @Test
    void broadcastsPresenceAndTypingCrossServerProcesses() throws Exception {
        RealtimeClient alice = user("alice", 0);
        RealtimeClient bob = user("bob", 1);
        // two different server processes
        JsonNode aliceServer = get(alice.emitWithAck("whoami", Map.of()));
        JsonNode bobServer = get(bob.emitWithAck("whoami", Map.of()));
        assertThat(aliceServer.path("worker").asInt()).isZero();
        assertThat(bobServer.path("worker").asInt()).isEqualTo(1);
        assertThat(aliceServer.path("pid").asLong()).isNotEqualTo(bobServer.path("pid").asLong());

        List<String> aliceSawJoin = new CopyOnWriteArrayList<>();
        alice.rooms().onMemberJoined(m -> aliceSawJoin.add(m.roomId() + "/" + m.userId()));
        List<JsonNode> aliceGot = new CopyOnWriteArrayList<>();
        List<JsonNode> bobGot = new CopyOnWriteArrayList<>();
        alice.on("message:new", aliceGot::add);
        bob.on("message:new", bobGot::add);
        alice.rooms().join(ROOM).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        bob.rooms().join(ROOM).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        // the join broadcast made on worker 1 reaches alice on worker 0
        await().atMost(WAIT).until(() -> aliceSawJoin.contains(ROOM + "/bob"));

        // messages both ways, acked by the sender's own server, delivered by the other one
        JsonNode ack = get(alice.emitWithAck("message:send", Map.of("roomId", ROOM, "content", "hello from worker 0")));
        assertThat(ack.path("ok").asBoolean()).isTrue();
        await().atMost(WAIT).until(() -> !bobGot.isEmpty());
        assertThat(bobGot).singleElement().satisfies(m -> {
            assertThat(m.path("userId").asText()).isEqualTo("alice");
            assertThat(m.path("content").asText()).isEqualTo("hello from worker 0");
            assertThat(m.path("id").asText()).isEqualTo(ack.path("id").asText());
            assertThat(m.path("worker").asInt()).isZero();
        });
        get(bob.emitWithAck("message:send", Map.of("roomId", ROOM, "content", "hello from worker 1")));
        await().atMost(WAIT).until(() -> !aliceGot.isEmpty());
        assertThat(aliceGot).singleElement().satisfies(m -> {
            assertThat(m.path("userId").asText()).isEqualTo("bob");
            assertThat(m.path("content").asText()).isEqualTo("hello from worker 1");
        });

        // typing crosses: bob's indicator (listening before alice types) sees alice start and stop
        TypingIndicator bobSees = bob.typing(ROOM);
        alice.typing(ROOM).startTyping();
        await().atMost(WAIT).until(() -> bobSees.typingUsers().contains("alice"));
        alice.typing(ROOM).stopTyping();
        await().atMost(WAIT).until(() -> bobSees.typingUsers().isEmpty());

        // presence crosses, both ways
        bob.presence().update("away", Map.of("device", "phone"));
        await().atMost(WAIT).until(() -> alice.presence().get("bob").isPresent());
        assertThat(alice.presence().get("bob").orElseThrow().status()).isEqualTo("away");
        assertThat(alice.presence().get("bob").orElseThrow().metadata().path("device").asText()).isEqualTo("phone");
        alice.presence().update("online", Map.of());
        await().atMost(WAIT).until(() -> bob.presence().get("alice").isPresent());
        assertThat(bob.presence().get("alice").orElseThrow().status()).isEqualTo("online");
    }
}
