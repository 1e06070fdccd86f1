package io.noa.realtime.rx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.event.EventType;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.observers.TestObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RxRealtimeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The payload of the echo event. */
    public static final class Echo {
        /** Text. */
        public String content;
    }

    private static final EventType<Echo> ECHO = EventType.of("echo", Echo.class);

    @RegisterExtension
    final UndeliverableRecorder undeliverable = new UndeliverableRecorder();

    private RoomServer server;
    private JdkTransport transport;
    private RealtimeClient client;

    @BeforeEach
    void start() {
        server = RoomServer.builder().token("t-alice", "alice").start();
        transport = JdkTransport.create();
        client = options("t-alice").build();
    }

    private RealtimeOptions.Builder options(String token) {
        return RealtimeClient.builder(server.uri()).transport(transport).auth(Map.of("token", token)).autoConnect(false);
    }

    @AfterEach
    void stop() {
        client.close();
        transport.close();
        server.close();
    }

    @Test
    void connectIsColdAndCompletesWhenConnected() {
        var connect = RxRealtime.connect(client);
        assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);
        connect.blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(client.isConnected()).isTrue();
        RxRealtime.connect(client).test().assertComplete();
    }

    @Test
    void connectFailsWithTheHandshakeErrorWhenTheTokenIsRefused() {
        try (RealtimeClient mallory = options("stolen").build()) {
            TestObserver<Void> ts = RxRealtime.connect(mallory).test();
            ts.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS).assertError(HandshakeException.class);
            assertThat(mallory.state()).isEqualTo(ConnectionState.FAILED);
        }
    }

    @Test
    void typedEventsReachEachSubscriberUntilDisposed() {
        RxRealtime.connect(client).blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        Observable<Echo> echoes = RxRealtime.events(client, ECHO);
        TestObserver<Echo> first = echoes.test();
        TestObserver<Echo> second = echoes.test();
        client.emit("echo", Map.of("content", "a"));
        await().atMost(WAIT).until(() -> first.values().size() == 1 && second.values().size() == 1);
        first.dispose();
        client.emit("echo", Map.of("content", "b"));
        await().atMost(WAIT).until(() -> second.values().size() == 2);
        assertThat(first.values()).extracting(e -> e.content).containsExactly("a");
        assertThat(second.values()).extracting(e -> e.content).containsExactly("a", "b");
        second.assertNotComplete().assertNoErrors();
    }

    @Test
    void untypedEventsDeliverJsonPayloads() {
        TestObserver<JsonNode> echoes = RxRealtime.events(client, "echo").test();
        client.connect();
        client.emit("echo", Map.of("content", "x"));
        await().atMost(WAIT).until(() -> echoes.values().size() == 1);
        assertThat(echoes.values().get(0).path("content").asText()).isEqualTo("x");
    }

    @Test
    void statesStartsWithTheCurrentStateThenFollowsChanges() {
        TestObserver<ConnectionState> states = RxRealtime.states(client).test();
        states.assertValuesOnly(ConnectionState.DISCONNECTED);
        client.connect();
        await().atMost(WAIT).until(() -> states.values().contains(ConnectionState.CONNECTED));
        states.assertValuesOnly(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        RxRealtime.states(client).test().assertValuesOnly(ConnectionState.CONNECTED);
        states.dispose();
    }

    @Test
    void emitWithAckIsColdAndEmitsTheAnswer() {
        RxRealtime.connect(client).blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        TestObserver<JsonNode> echoes = RxRealtime.events(client, "echo").test();
        Single<JsonNode> ack = RxRealtime.emitWithAck(client, "echo", Map.of("content", "hi"));
        assertThat(echoes.values()).isEmpty();
        JsonNode answer = ack.blockingGet();
        assertThat(answer.path("content").asText()).isEqualTo("hi");
        await().atMost(WAIT).until(() -> echoes.values().size() == 1);
        JsonNode second = RxRealtime.emitWithAck(client, "echo", Map.of("content", "yo"), WAIT).blockingGet();
        assertThat(second.path("content").asText()).isEqualTo("yo");
    }

    @Test
    void typedEmitWithAckDecodesTheAnswer() {
        client.connect();
        Echo answer = RxRealtime.emitWithAck(client, "echo", Map.of("content", "typed"), Echo.class, WAIT).blockingGet();
        assertThat(answer.content).isEqualTo("typed");
    }

    @Test
    void emitWithAckFailsWithTheTypedTimeout() {
        RxRealtime.connect(client).blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        server.silent(true);
        TestObserver<JsonNode> ts = RxRealtime.emitWithAck(client, "q", 1, Duration.ofMillis(200)).test();
        ts.awaitDone(WAIT.toSeconds(), TimeUnit.SECONDS).assertError(AckTimeoutException.class);
    }

    @Test
    void disposingEmitWithAckCancelsItWithoutUndeliverableErrors() throws InterruptedException {
        RxRealtime.connect(client).blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS);
        server.silent(true);
        TestObserver<JsonNode> ts = RxRealtime.emitWithAck(client, "q", 1, Duration.ofMillis(200)).test();
        ts.dispose();
        Thread.sleep(600); // past the ack timeout: a leaked future would now fail into RxJavaPlugins
        ts.assertEmpty();
        assertThat(undeliverable.errors).isEmpty();
    }

    @Test
    void disposingTheAckSingleCancelsItsFuture() {
        CompletableFuture<String> future = new CompletableFuture<>();
        TestObserver<String> ts = RxRealtime.fromFuture(() -> future).test();
        assertThat(future).isNotDone();
        ts.dispose();
        assertThat(future).isCancelled();
        ts.assertEmpty();
    }
}
