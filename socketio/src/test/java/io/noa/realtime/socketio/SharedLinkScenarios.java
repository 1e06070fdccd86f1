package io.noa.realtime.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.RealtimeException;
import io.noa.realtime.testkit.ChaosProxy;
import io.noa.realtime.ws.RealtimeClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several namespaces over one link ({@link SocketIoManager}) against the real npm
 * {@code socket.io} 4.8.4 server, through a {@link ChaosProxy} that counts the TCP connections and
 * can cut them; one subclass per transport supplies {@link #newTransport()}.
 */
abstract class SharedLinkScenarios extends SocketIoScenarioBase {
    /**
     * Link cuts in {@link #killingTheTransportReconnectsBothNamespacesOverOneNewLink}: 2 in CI, 200
     * with {@code -Dnoa.soak=long}, or {@code -Dnoa.soak.sharedLinkCuts=N} (the tck's soak convention).
     */
    private static final int CUTS = Integer.getInteger("noa.soak.sharedLinkCuts",
            "long".equalsIgnoreCase(System.getProperty("noa.soak", System.getenv().getOrDefault("NOA_SOAK", "")))
                    ? 200 : 2);

    private ChaosProxy proxy;
    private SocketIoManager manager;


    @BeforeEach
    void startProxyAndManager() {
        proxy = ChaosProxy.start(server.uri().getPort());
        manager = SocketIoManager.builder(proxy.proxied(server.uri())).transport(transport).build();
    }

    @Override
    void afterClientsClosed() {
        manager.close();
        proxy.close();
        await().atMost(WAIT).until(() -> server.hook("/links").path("engineClients").asInt() == 0);
    }

    private RealtimeClient namespace(String nsp, String token) {
        RealtimeClient c = manager.socket(nsp).auth(Map.of("token", token)).reconnectionDelay(Duration.ofMillis(100))
                .timeout(WAIT).build();
        toClose.add(c);
        return c;
    }

    /** A client with a connection of its own (no manager), straight to the server. */
    private RealtimeClient standalone(String nsp, String token) {
        RealtimeClient c = RealtimeClient.builder(server.uri()).protocol(SocketIo.v5().namespace(nsp))
                .transport(transport).auth(Map.of("token", token)).timeout(WAIT).build();
        toClose.add(c);
        await().atMost(WAIT).until(c::isConnected);
        return c;
    }


    /** The Engine.IO connection ids of the given user's sockets, per namespace, as the server sees them. */
    private Map<String, String> connsOf(String user) {
        JsonNode sockets = server.hook("/links").path("sockets");
        return StreamSupport.stream(sockets.spliterator(), false).filter(s -> s.path("user").asText().equals(user))
                .collect(Collectors.toMap(s -> s.path("nsp").asText(), s -> s.path("conn").asText()));
    }

    private void assertEchoes(RealtimeClient c, String nsp, String text) throws Exception {
        JsonNode a = get(c.emitWithAck("echo", text));
        assertThat(a.path("nsp").asText()).isEqualTo(nsp);
        assertThat(a.path("args").get(0).asText()).isEqualTo(text);
    }

    @Test
    void twoNamespacesShareOneEngineIoConnectionWithTheirOwnEventsAndAcks() throws Exception {
        RealtimeClient main = namespace("/", "t-alice");
        RealtimeClient admin = namespace("/admin", "t-alice");
        await().atMost(WAIT).until(() -> main.isConnected() && admin.isConnected());

        // one TCP connection, one Engine.IO connection, two namespace sockets on it
        assertThat(proxy.totalConnections()).isEqualTo(1);
        assertThat(manager.linksOpened()).isEqualTo(1);
        assertThat(server.hook("/links").path("engineClients").asInt()).isEqualTo(1);
        Map<String, String> conns = connsOf("alice");
        assertThat(conns).containsOnlyKeys("/", "/admin");
        assertThat(conns.get("/")).isEqualTo(conns.get("/admin"));
        assertThat(main.sessionId()).isPresent().isNotEqualTo(admin.sessionId());

        // acks on each, to its own namespace
        assertEchoes(main, "/", "to main");
        assertEchoes(admin, "/admin", "to admin");

        // the server's acked emits reach the right namespace's responder
        main.respond("server:ping", data -> Map.of("ns", "main"));
        admin.respond("server:ping", data -> Map.of("ns", "admin"));
        assertThat(server.hook("/ask?user=alice&event=server:ping").path("answer").path("ns").asText())
                .isEqualTo("main");
        assertThat(server.hook("/ask?user=alice&event=server:ping&nsp=/admin").path("answer").path("ns").asText())
                .isEqualTo("admin");

        // room events, each in its own namespace, with Rooms over the shared link
        List<String> mainGot = new CopyOnWriteArrayList<>();
        List<String> adminGot = new CopyOnWriteArrayList<>();
        main.on("message:new", m -> mainGot.add(m.path("content").asText()));
        admin.on("message:new", m -> adminGot.add(m.path("content").asText()));
        main.rooms().join("r").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        admin.rooms().join("r").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        RealtimeClient bobMain = standalone("/", "t-bob");
        RealtimeClient bobAdmin = standalone("/admin", "t-bob");
        get(bobMain.emitWithAck("message:send", Map.of("roomId", "r", "content", "in main")));
        get(bobAdmin.emitWithAck("message:send", Map.of("roomId", "r", "content", "in admin")));

        await().atMost(WAIT).until(() -> mainGot.size() == 1 && adminGot.size() == 1);
        assertThat(mainGot).containsExactly("in main");
        assertThat(adminGot).containsExactly("in admin");
        assertThat(proxy.totalConnections()).isEqualTo(1);
    }

    @Test
    void aRefusedConnectOnOneNamespaceLeavesTheOtherConnectedOnTheSameLink() throws Exception {
        RealtimeClient main = namespace("/", "t-alice");
        await().atMost(WAIT).until(main::isConnected);
        List<Throwable> adminErrors = new CopyOnWriteArrayList<>();
        List<Throwable> mainErrors = new CopyOnWriteArrayList<>();
        main.onError(mainErrors::add);
        RealtimeClient admin = manager.socket("/admin").auth(Map.of("token", "wrong")).timeout(WAIT)
                .reconnectionDelay(Duration.ofMillis(100)).autoConnect(false).build();
        toClose.add(admin);
        admin.onError(adminErrors::add);
        admin.connect();

        await().atMost(WAIT).until(() -> admin.state() == ConnectionState.FAILED);
        assertThat(adminErrors).singleElement().isInstanceOfSatisfying(SocketIoConnectException.class, e -> {
            assertThat(e.namespace()).isEqualTo("/admin");
            assertThat(e.serverMessage()).isEqualTo("unauthorized");
            assertThat(e.data().path("code").asInt()).isEqualTo(401);
        });

        assertThat(main.state()).isEqualTo(ConnectionState.CONNECTED);
        assertEchoes(main, "/", "still here");
        assertThat(mainErrors).isEmpty();
        assertThat(proxy.totalConnections()).isEqualTo(1);
        assertThat(proxy.openConnections()).isEqualTo(1);
        assertThat(connsOf("alice")).containsOnlyKeys("/");
    }

    @Test
    void killingTheTransportReconnectsBothNamespacesOverOneNewLink() throws Exception {
        RealtimeClient main = namespace("/", "t-alice");
        AtomicInteger adminAuthReads = new AtomicInteger();
        RealtimeClient admin = manager.socket("/admin").timeout(WAIT).reconnectionDelay(Duration.ofMillis(100))
                .authSupplier(() -> Map.of("token", "t-root" + adminAuthReads.incrementAndGet())).build();
        toClose.add(admin);
        AtomicInteger mainConnects = new AtomicInteger();
        AtomicInteger adminConnects = new AtomicInteger();
        List<String> reasons = new CopyOnWriteArrayList<>();
        main.onConnect(mainConnects::incrementAndGet);
        admin.onConnect(adminConnects::incrementAndGet);
        main.onDisconnect(r -> reasons.add("main " + r));
        admin.onDisconnect(r -> reasons.add("admin " + r));
        await().atMost(WAIT).until(() -> mainConnects.get() == 1 && adminConnects.get() == 1);
        main.rooms().join("r").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String before = connsOf("alice").get("/");

        for (int cut = 1; cut <= CUTS; cut++) {
            int expected = cut + 1;
            proxy.cutAllConnections();

            await().atMost(WAIT).until(() -> mainConnects.get() == expected && adminConnects.get() == expected);
            assertThat(main.isConnected()).isTrue();
            assertThat(admin.isConnected()).isTrue();
            assertThat(reasons).hasSize(2 * cut).allMatch(r -> r.endsWith(" transport error") || r.endsWith(" transport close"))
                    .filteredOn(r -> r.startsWith("main ")).hasSize(cut);
            // one new link for both, and each namespace sent its own CONNECT again (auth re-read)
            assertThat(proxy.totalConnections()).isEqualTo(expected);
            assertThat(manager.linksOpened()).isEqualTo(expected);
            assertThat(adminAuthReads.get()).isEqualTo(expected);
            await().atMost(WAIT).until(() -> server.hook("/links").path("engineClients").asInt() == 1);
            String mainConn = connsOf("alice").get("/");
            assertThat(mainConn).isNotEqualTo(before);
            assertThat(connsOf("root" + expected)).containsEntry("/admin", mainConn);
            before = mainConn;

            assertEchoes(main, "/", "back " + cut);
            assertEchoes(admin, "/admin", "back too " + cut);
        }
        assertThat(main.rooms().joined()).containsExactly("r");
    }

    @Test
    void theLinkAnswersEachPingOnceAndASilentLinkReconnectsBothNamespaces() throws Exception {
        // the server closes a link that does not answer within pingInterval + pingTimeout (1.5 s here: short enough
        // for a quick test, long enough for a loaded CI machine)
        try (SocketIoTestServer fast = SocketIoTestServer.start(Duration.ofMillis(300), Duration.ofMillis(1200));
                ChaosProxy fastProxy = ChaosProxy.start(fast.uri().getPort());
                SocketIoManager io = SocketIoManager.builder(fastProxy.proxied(fast.uri())).transport(transport)
                        .build()) {
            AtomicInteger mainConnects = new AtomicInteger();
            AtomicInteger adminConnects = new AtomicInteger();
            RealtimeClient main = io.socket("/").auth(Map.of("token", "t-alice")).timeout(Duration.ofSeconds(3))
                    .reconnectionDelay(Duration.ofMillis(100)).build();
            RealtimeClient admin = io.socket("/admin").auth(Map.of("token", "t-alice"))
                    .timeout(Duration.ofSeconds(3)).reconnectionDelay(Duration.ofMillis(100)).build();
            toClose.add(main);
            toClose.add(admin);
            main.onConnect(mainConnects::incrementAndGet);
            admin.onConnect(adminConnects::incrementAndGet);
            await().atMost(WAIT).until(() -> mainConnects.get() == 1 && adminConnects.get() == 1);

            // several ping intervals: the link stays up, and the server got one pong per ping, not one per namespace
            await().during(Duration.ofMillis(1300)).atMost(Duration.ofSeconds(10))
                    .until(() -> main.isConnected() && admin.isConnected());
            assertThat(mainConnects.get()).isEqualTo(1);
            assertThat(adminConnects.get()).isEqualTo(1);
            JsonNode heartbeats = fast.hook("/links").path("heartbeats");
            assertThat(heartbeats.size()).isEqualTo(1);
            JsonNode h = heartbeats.elements().next();
            assertThat(h.path("pings").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(h.path("pongs").asInt()).isBetween(h.path("pings").asInt() - 1, h.path("pings").asInt());

            // silence (the socket stays open, nothing arrives): the link is dropped and both namespaces come back
            fastProxy.blackHole(true);
            await().atMost(WAIT).until(() -> !main.isConnected() && !admin.isConnected());
            fastProxy.blackHole(false);
            await().atMost(WAIT).until(() -> mainConnects.get() == 2 && adminConnects.get() == 2);
            assertThat(io.linksOpened()).isGreaterThanOrEqualTo(2);
            await().atMost(WAIT).until(() -> fast.hook("/links").path("engineClients").asInt() == 1);
            Map<String, String> conns = StreamSupport.stream(fast.hook("/links").path("sockets").spliterator(), false)
                    .collect(Collectors.toMap(x -> x.path("nsp").asText(), x -> x.path("conn").asText()));
            assertThat(conns).containsOnlyKeys("/", "/admin");
            assertThat(conns.get("/")).isEqualTo(conns.get("/admin"));
            assertEchoes(main, "/", "awake");
            assertEchoes(admin, "/admin", "awake too");
        }
    }

    @Test
    void disconnectingOneNamespaceKeepsTheOtherAndTheLastOneClosesTheLink() throws Exception {
        RealtimeClient main = namespace("/", "t-alice");
        RealtimeClient admin = namespace("/admin", "t-alice");
        await().atMost(WAIT).until(() -> main.isConnected() && admin.isConnected());

        admin.disconnect();

        assertThat(admin.state()).isEqualTo(ConnectionState.CLOSED);
        await().atMost(WAIT).until(() -> connsOf("alice").keySet().equals(Set.of("/")));
        assertThat(main.state()).isEqualTo(ConnectionState.CONNECTED);
        assertEchoes(main, "/", "alone now");
        assertThat(proxy.openConnections()).isEqualTo(1);
        assertThat(manager.isLinked()).isTrue();

        // the namespace comes back on the same link
        admin.connect();
        await().atMost(WAIT).until(admin::isConnected);
        assertEchoes(admin, "/admin", "again");
        assertThat(proxy.totalConnections()).isEqualTo(1);

        admin.disconnect();
        main.disconnect();

        await().atMost(WAIT).until(() -> proxy.openConnections() == 0);
        await().atMost(WAIT).until(() -> server.hook("/links").path("engineClients").asInt() == 0);
        assertThat(manager.isLinked()).isFalse();
    }

    @Test
    void aServerDisconnectOfOneNamespaceLeavesTheOtherConnected() throws Exception {
        RealtimeClient main = namespace("/", "t-alice");
        RealtimeClient admin = namespace("/admin", "t-alice");
        await().atMost(WAIT).until(() -> main.isConnected() && admin.isConnected());

        assertThat(server.hook("/leave?user=alice&nsp=/admin").path("left").asInt()).isEqualTo(1);

        await().atMost(WAIT).until(() -> admin.state() == ConnectionState.DISCONNECTED);
        assertThat(main.state()).isEqualTo(ConnectionState.CONNECTED);
        assertEchoes(main, "/", "not kicked");
        assertThat(proxy.totalConnections()).isEqualTo(1);
    }

    @Test
    void aNamespaceThatStopsReadingPausesTheLinkAndNothingIsLostWhenItResumes() throws Exception {
        int n = 1500; // more than the 1,024 callbacks a client queues before it stops reading
        List<Runnable> held = new ArrayList<>();
        AtomicInteger gate = new AtomicInteger(1); // 1 open, 0 closed
        java.util.concurrent.Executor gated = r -> {
            synchronized (held) {
                if (gate.get() == 0) {
                    held.add(r);
                    return;
                }
            }
            r.run();
        };
        RealtimeClient main = namespace("/", "t-alice");
        RealtimeClient admin = manager.socket("/admin").auth(Map.of("token", "t-alice")).timeout(WAIT)
                .callbackExecutor(gated).build();
        toClose.add(admin);
        List<Integer> mainGot = new CopyOnWriteArrayList<>();
        List<Integer> adminGot = new CopyOnWriteArrayList<>();
        main.on("burst", d -> mainGot.add(d.asInt()));
        admin.on("burst", d -> adminGot.add(d.asInt()));
        await().atMost(WAIT).until(() -> main.isConnected() && admin.isConnected());

        gate.set(0); // admin's callbacks pile up: past its bound it stops reading, and so does the shared link
        assertThat(server.hook("/burst?user=alice&n=" + n).path("sent").asInt()).isEqualTo(n);
        await().atMost(WAIT).until(() -> !mainGot.isEmpty());
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> mainGot.size() < n);

        List<Runnable> release;
        synchronized (held) {
            gate.set(1);
            release = new ArrayList<>(held);
            held.clear();
        }
        release.forEach(Runnable::run);

        await().atMost(WAIT).until(() -> mainGot.size() == n && adminGot.size() == n);
        List<Integer> inOrder = java.util.stream.IntStream.range(0, n).boxed().collect(Collectors.toList());
        assertThat(mainGot).isEqualTo(inOrder);
        assertThat(adminGot).isEqualTo(inOrder);
        assertEchoes(main, "/", "after the burst");
        assertEchoes(admin, "/admin", "after the burst");
        assertThat(proxy.totalConnections()).isEqualTo(1);
    }

    @Test
    void aSecondClientForANamespaceAlreadyOnTheLinkFailsAndSaysWhy() {
        RealtimeClient first = namespace("/", "t-alice");
        await().atMost(WAIT).until(first::isConnected);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        RealtimeClient second = manager.socket("/").auth(Map.of("token", "t-bob")).timeout(WAIT).autoConnect(false)
                .build();
        toClose.add(second);
        second.onError(errors::add);
        second.connect();

        await().atMost(WAIT).until(() -> second.state() == ConnectionState.FAILED);
        assertThat(errors).singleElement().isInstanceOf(RealtimeException.class).extracting(Throwable::getMessage)
                .asString().contains("'/'", "one RealtimeClient per namespace");
        assertThat(first.isConnected()).isTrue();
    }
}
