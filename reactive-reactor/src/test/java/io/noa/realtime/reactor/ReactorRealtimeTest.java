package io.noa.realtime.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.noa.realtime.AckTimeoutException;
import io.noa.realtime.ConnectionState;
import io.noa.realtime.HandshakeException;
import io.noa.realtime.LimitExceededException;
import io.noa.realtime.event.EventType;
import io.noa.realtime.testkit.RoomServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import io.noa.realtime.ws.RealtimeClient;
import io.noa.realtime.ws.RealtimeOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ReactorRealtimeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The payload of the echo event. */
    public static final class Echo {
        /** Text. */
        public String content;
    }

    private static final EventType<Echo> ECHO = EventType.of("echo", Echo.class);

    @RegisterExtension
    final DroppedSignals dropped = new DroppedSignals();

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
        Mono<Void> connect = ReactorRealtime.connect(client);
        assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);
        StepVerifier.create(connect).expectComplete().verify(WAIT);
        assertThat(client.isConnected()).isTrue();
        StepVerifier.create(ReactorRealtime.connect(client)).expectComplete().verify(WAIT);
    }

    @Test
    void connectFailsWithTheHandshakeErrorWhenTheTokenIsRefused() {
        try (RealtimeClient mallory = options("stolen").build()) {
            StepVerifier.create(ReactorRealtime.connect(mallory)).expectError(HandshakeException.class).verify(WAIT);
            assertThat(mallory.state()).isEqualTo(ConnectionState.FAILED);
        }
    }

    @Test
    void typedEventsReachEachSubscriberUntilCancelled() {
        ReactorRealtime.connect(client).block(WAIT);
        Flux<String> echoes = ReactorRealtime.events(client, ECHO).map(e -> e.content);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        Disposable one = echoes.subscribe(first::add);
        Disposable two = echoes.subscribe(second::add);
        client.emit("echo", Map.of("content", "a"));
        await().atMost(WAIT).until(() -> first.size() == 1 && second.size() == 1);
        one.dispose();
        client.emit("echo", Map.of("content", "b"));
        await().atMost(WAIT).until(() -> second.size() == 2);
        assertThat(first).containsExactly("a");
        assertThat(second).containsExactly("a", "b");
        two.dispose();
    }

    @Test
    void aSubscriberLaggingBeyondTheBufferFailsWithATypedError() {
        ReactorRealtime.connect(client).block(WAIT);
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        client.on("echo", seen::add);
        StepVerifier.create(ReactorRealtime.events(client, ECHO, 2).map(e -> e.content), 0)
                .then(() -> {
                    for (int i = 0; i < 3; i++) {
                        client.emit("echo", Map.of("content", "e" + i));
                    }
                    await().atMost(WAIT).until(() -> seen.size() == 3);
                })
                .thenRequest(10)
                .expectNext("e0", "e1") // the buffered events first, then the overflow
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(LimitExceededException.class)
                        .hasMessageContaining("maxBuffered"))
                .verify(WAIT);
    }

    @Test
    void untypedEventsDeliverJsonPayloads() {
        StepVerifier.create(ReactorRealtime.events(client, "echo"))
                .then(() -> {
                    client.connect();
                    client.emit("echo", Map.of("content", "x"));
                })
                .expectNextMatches(n -> n.path("content").asText().equals("x"))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void statesStartsWithTheCurrentStateThenFollowsChanges() {
        StepVerifier.create(ReactorRealtime.states(client))
                .expectNext(ConnectionState.DISCONNECTED)
                .then(client::connect)
                .expectNext(ConnectionState.CONNECTING, ConnectionState.CONNECTED)
                .thenCancel()
                .verify(WAIT);
        StepVerifier.create(ReactorRealtime.states(client)).expectNext(ConnectionState.CONNECTED).thenCancel().verify(WAIT);
    }

    @Test
    void emitWithAckIsColdAndEmitsTheAnswer() {
        ReactorRealtime.connect(client).block(WAIT);
        List<JsonNode> echoes = new CopyOnWriteArrayList<>();
        Disposable listening = ReactorRealtime.events(client, "echo").subscribe(echoes::add);
        Mono<JsonNode> ack = ReactorRealtime.emitWithAck(client, "echo", Map.of("content", "hi"));
        assertThat(echoes).isEmpty();
        StepVerifier.create(ack).expectNextMatches(n -> n.path("content").asText().equals("hi")).expectComplete().verify(WAIT);
        await().atMost(WAIT).until(() -> echoes.size() == 1);
        StepVerifier.create(ReactorRealtime.emitWithAck(client, "echo", Map.of("content", "yo"), WAIT))
                .expectNextMatches(n -> n.path("content").asText().equals("yo")).expectComplete().verify(WAIT);
        listening.dispose();
    }

    @Test
    void typedEmitWithAckDecodesTheAnswer() {
        client.connect();
        StepVerifier.create(ReactorRealtime.emitWithAck(client, "echo", Map.of("content", "typed"), Echo.class, WAIT))
                .expectNextMatches(e -> e.content.equals("typed")).expectComplete().verify(WAIT);
    }

    @Test
    void emitWithAckFailsWithTheTypedTimeout() {
        ReactorRealtime.connect(client).block(WAIT);
        server.silent(true);
        StepVerifier.create(ReactorRealtime.emitWithAck(client, "q", 1, Duration.ofMillis(200)))
                .expectError(AckTimeoutException.class).verify(WAIT);
    }

    @Test
    void cancellingEmitWithAckDropsNothing() throws InterruptedException {
        ReactorRealtime.connect(client).block(WAIT);
        server.silent(true);
        StepVerifier.create(ReactorRealtime.emitWithAck(client, "q", 1, Duration.ofMillis(200)))
                .thenCancel().verify(WAIT);
        Thread.sleep(600); // past the ack timeout: a late failure would now be dropped to the hooks
        assertThat(dropped.dropped).isEmpty();
    }

    @Test
    void cancellingTheAckMonoCancelsItsFuture() {
        CompletableFuture<String> future = new CompletableFuture<>();
        StepVerifier.create(ReactorRealtime.fromFuture(() -> future))
                .then(() -> assertThat(future).isNotDone())
                .thenCancel()
                .verify(WAIT);
        assertThat(future).isCancelled();
    }
}
