package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ws.RealtimeClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Binary packets (BINARY_EVENT / BINARY_ACK) of several namespaces over one link
 * ({@link SocketIoManager}) against the real npm {@code socket.io} 4.8.4 server, which closes the
 * whole connection when a frame of another packet lands between a binary packet's text frame and
 * its attachments. One subclass per transport supplies {@link #newTransport()}. The server's
 * binary events are in the "binary attachments" block of {@code sio-server/server.js}.
 */
abstract class SharedLinkBinaryScenarios extends SocketIoScenarioBase {
    /**
     * Emits per namespace in {@link #binaryEmitsFromTwoThreadsOnTwoNamespacesOfOneLinkAllComeBackIntact}:
     * 100 in CI, 5,000 with {@code -Dnoa.soak=long}, or {@code -Dnoa.soak.sharedLinkBinaryEmits=N}.
     */
    private static final int EMITS = Integer.getInteger("noa.soak.sharedLinkBinaryEmits",
            "long".equalsIgnoreCase(System.getProperty("noa.soak", System.getenv().getOrDefault("NOA_SOAK", "")))
                    ? 5000 : 100);
    /** Unanswered emits per namespace at most, in that test. */
    private static final int WINDOW = 200;

    private SocketIoManager manager;


    @BeforeEach
    void startManager() {
        manager = SocketIoManager.builder(server.uri()).transport(transport).build();
    }

    @Override
    void afterClientsClosed() {
        manager.close();
        await().atMost(WAIT).until(() -> server.hook("/links").path("engineClients").asInt() == 0);
    }

    /** A namespace client of the manager that records its errors and disconnects. */
    private RealtimeClient namespace(String nsp, String token, List<String> trouble) {
        RealtimeClient c = manager.socket(nsp).auth(Map.of("token", token)).timeout(WAIT)
                .build();
        toClose.add(c);
        c.onError(e -> trouble.add(nsp + " error: " + e));
        c.onDisconnect(r -> trouble.add(nsp + " disconnected: " + r));
        return c;
    }


    /** Both namespaces ride on one Engine.IO connection, as the server sees it. */
    private void assertOneLink(String user) {
        assertThat(manager.linksOpened()).isEqualTo(1);
        JsonNode links = server.hook("/links");
        assertThat(links.path("engineClients").asInt()).isEqualTo(1);
        List<String> conns = new ArrayList<>();
        List<String> nsps = new ArrayList<>();
        for (JsonNode s : links.path("sockets")) {
            if (s.path("user").asText().equals(user)) {
                conns.add(s.path("conn").asText());
                nsps.add(s.path("nsp").asText());
            }
        }
        assertThat(nsps).containsExactlyInAnyOrder("/", "/admin");
        assertThat(conns).hasSize(2);
        assertThat(conns.get(0)).isEqualTo(conns.get(1));
    }

    private static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** The bytes the server's {@code blobBytes(size, seed)} makes. */
    private static byte[] serverBytes(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ((i * 7 + seed) & 0xff);
        }
        return b;
    }

    private static byte[] binary(JsonNode node) {
        assertThat(node).isNotNull();
        assertThat(node.isBinary()).as("a binary node, was %s", node.getNodeType()).isTrue();
        try {
            return node.binaryValue();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One emit of the concurrent test and what must come back. */
    private record Sent(String nsp, int i, CompletableFuture<JsonNode> answer, byte[] a, byte[] b) {}

    /**
     * {@code EMITS} acked emits on one namespace, at most {@code WINDOW} unanswered at a time (the
     * client's send queue and ack timeout stay within their defaults in a soak): three of four carry
     * two attachments, every fourth is text only.
     */
    private static List<Sent> emitMany(RealtimeClient c, String nsp, int seed, CyclicBarrier start) throws Exception {
        start.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<Sent> sent = new ArrayList<>(EMITS);
        for (int i = 0; i < EMITS; i++) {
            if (i >= WINDOW) {
                get(sent.get(i - WINDOW).answer());
            }
            if (i % 4 == 3) {
                sent.add(new Sent(nsp, i, c.emitWithAck("echo", nsp + " text " + i), null, null));
                continue;
            }
            byte[] a = pattern(1 + (i * 97) % 4000, seed + i);
            byte[] b = pattern(1 + (i * 13) % 300, seed - i);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("nsp", nsp);
            payload.put("i", i);
            payload.put("a", a);
            payload.put("more", List.of("x", Map.of("b", ByteBuffer.wrap(b))));
            sent.add(new Sent(nsp, i, c.emitWithAck("blob:echo", payload), a, b));
        }
        return sent;
    }

    private static void assertAnswered(Sent s) throws Exception {
        JsonNode answer = get(s.answer());
        if (s.a() == null) {
            assertThat(answer.path("nsp").asText()).isEqualTo(s.nsp());
            assertThat(answer.path("args").get(0).asText()).isEqualTo(s.nsp() + " text " + s.i());
            return;
        }
        assertThat(answer.path("nsp").asText()).as("emit %d of %s", s.i(), s.nsp()).isEqualTo(s.nsp());
        assertThat(answer.path("i").asInt()).isEqualTo(s.i());
        assertThat(binary(answer.get("a"))).as("attachment a of emit %d of %s", s.i(), s.nsp()).isEqualTo(s.a());
        assertThat(answer.path("more").get(0).asText()).isEqualTo("x");
        assertThat(binary(answer.path("more").get(1).get("b"))).as("attachment b of emit %d of %s", s.i(), s.nsp())
                .isEqualTo(s.b());
    }

    @Test
    void binaryEmitsFromTwoThreadsOnTwoNamespacesOfOneLinkAllComeBackIntact() throws Exception {
        List<String> trouble = new CopyOnWriteArrayList<>();
        RealtimeClient main = namespace("/", "t-alice", trouble);
        RealtimeClient admin = namespace("/admin", "t-alice", trouble);
        await().atMost(WAIT).until(() -> main.isConnected() && admin.isConnected());
        assertOneLink("alice");

        // two threads emit at once, one per namespace: their packets meet on the one WebSocket, and the
        // server closes it at the first frame of one namespace between another's binary packet's frames
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<List<Sent>> mainSent = CompletableFuture.supplyAsync(() -> call(
                    () -> emitMany(main, "/", 11, start)), threads);
            CompletableFuture<List<Sent>> adminSent = CompletableFuture.supplyAsync(() -> call(
                    () -> emitMany(admin, "/admin", 77, start)), threads);
            List<Sent> all = new ArrayList<>(mainSent.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            all.addAll(adminSent.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            for (Sent s : all) {
                assertAnswered(s);
            }
            assertThat(all).hasSize(2 * EMITS);
        } finally {
            threads.shutdownNow();
        }

        // the server asks each namespace with binary and each answers with binary (BINARY_ACK over the link)
        main.respond("blob:ask", data -> Map.of("who", "main", "back", binary(data.get("payload"))));
        admin.respond("blob:ask", data -> Map.of("who", "admin", "back", binary(data.get("payload"))));
        CompletableFuture<JsonNode> mainAsked = main.emitWithAck("blob:ask-me", Map.of("size", 3000));
        CompletableFuture<JsonNode> adminAsked = admin.emitWithAck("blob:ask-me", Map.of("size", 5000));
        JsonNode m = get(mainAsked);
        JsonNode a = get(adminAsked);
        assertThat(m.path("who").asText()).isEqualTo("main");
        assertThat(m.path("back").path("base64").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(serverBytes(3000, 3)));
        assertThat(a.path("who").asText()).isEqualTo("admin");
        assertThat(a.path("back").path("base64").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(serverBytes(5000, 3)));

        assertThat(trouble).isEmpty();
        assertThat(main.isConnected() && admin.isConnected()).isTrue();
        assertOneLink("alice");
    }

    @Test
    void aServerInitiatedBinaryEventReachesOnlyItsNamespace() throws Exception {
        List<String> trouble = new CopyOnWriteArrayList<>();
        RealtimeClient main = namespace("/", "t-alice", trouble);
        RealtimeClient admin = namespace("/admin", "t-alice", trouble);
        List<JsonNode> mainGot = new CopyOnWriteArrayList<>();
        List<JsonNode> adminGot = new CopyOnWriteArrayList<>();
        main.on("blob:push", mainGot::add);
        admin.on("blob:push", adminGot::add);
        await().atMost(WAIT).until(() -> main.isConnected() && admin.isConnected());
        assertOneLink("alice");

        // the server emits blob:push (3 attachments) to alice's /admin socket only
        admin.emit("blob:push-me", Map.of("parts", 3, "size", 7000));
        await().atMost(WAIT).until(() -> adminGot.size() == 1);
        assertPush(adminGot.get(0), 3, 7000);
        // a round trip on "/" after it: a push routed to "/" would have been delivered before this answer
        assertThat(get(main.emitWithAck("echo", "after")).path("nsp").asText()).isEqualTo("/");
        assertThat(mainGot).isEmpty();

        // and the other way round
        main.emit("blob:push-me", Map.of("parts", 2, "size", 3000));
        await().atMost(WAIT).until(() -> mainGot.size() == 1);
        assertPush(mainGot.get(0), 2, 3000);
        assertThat(get(admin.emitWithAck("echo", "after")).path("nsp").asText()).isEqualTo("/admin");
        assertThat(adminGot).hasSize(1);

        // pushes to both namespaces interleaved on the link: each namespace gets its own, attachments and all
        int n = 30;
        for (int i = 0; i < n; i++) {
            main.emit("blob:push-me", Map.of("parts", 2, "size", 3000));
            admin.emit("blob:push-me", Map.of("parts", 4, "size", 1000));
        }
        await().atMost(WAIT).until(() -> mainGot.size() == 1 + n && adminGot.size() == 1 + n);
        mainGot.forEach(p -> assertPush(p, 2, 3000));
        adminGot.subList(1, adminGot.size()).forEach(p -> assertPush(p, 4, 1000));
        assertThat(get(main.emitWithAck("echo", "end")).path("nsp").asText()).isEqualTo("/");
        assertThat(get(admin.emitWithAck("echo", "end")).path("nsp").asText()).isEqualTo("/admin");
        assertThat(mainGot).hasSize(1 + n);
        assertThat(adminGot).hasSize(1 + n);
        assertThat(trouble).isEmpty();
        assertOneLink("alice");
    }

    /** The server's blob:push with {@code parts} buffers of {@code size} bytes. */
    private static void assertPush(JsonNode p, int parts, int size) {
        assertThat(p.path("name").asText()).isEqualTo("push");
        assertThat(binary(p.get("first"))).isEqualTo(serverBytes(size, 0));
        JsonNode list = p.path("nested").path("list");
        assertThat(list).hasSize(parts - 1);
        for (int i = 1; i < parts; i++) {
            assertThat(binary(list.get(i - 1))).isEqualTo(serverBytes(size, i));
        }
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
