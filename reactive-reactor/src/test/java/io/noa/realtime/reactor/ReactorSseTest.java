package io.noa.realtime.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.noa.realtime.ConnectionState;
import io.noa.realtime.HttpStatusException;
import io.noa.realtime.RetryPolicy;
import io.noa.realtime.sse.SseClient;
import io.noa.realtime.sse.SseEvent;
import io.noa.realtime.testkit.EventStreamServer;
import io.noa.realtime.transport.jdk.JdkTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ReactorSseTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final DroppedSignals dropped = new DroppedSignals();

    private EventStreamServer server;
    private JdkTransport transport;
    private SseClient client;

    @BeforeEach
    void start() {
        server = EventStreamServer.start();
        transport = JdkTransport.create();
        client = SseClient.builder(server.uri()).transport(transport).retryPolicy(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        transport.close();
        server.close();
    }

    @Test
    void eventsDeliversPublishedEventsToEachSubscriberAndCancelRemovesOnlyThatOne() {
        Flux<String> events = ReactorSse.events(client).map(SseEvent::data);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        Disposable one = events.subscribe(first::add);
        Disposable two = events.subscribe(second::add);
        ReactorSse.connect(client).block(WAIT);
        server.publish("one");
        await().atMost(WAIT).until(() -> first.size() == 1 && second.size() == 1);
        one.dispose();
        server.publish("two");
        await().atMost(WAIT).until(() -> second.size() == 2);
        assertThat(first).containsExactly("one");
        assertThat(second).containsExactly("one", "two");
        assertThat(server.connectionCount()).isEqualTo(1);
        two.dispose();
    }

    @Test
    void eventsCompletesWhenTheClientIsClosed() {
        StepVerifier.create(ReactorSse.events(client)).then(client::close).expectComplete().verify(WAIT);
    }

    @Test
    void statesStartsWithTheCurrentStateThenFollowsChanges() {
        StepVerifier.create(ReactorSse.states(client))
                .expectNext(ConnectionState.DISCONNECTED)
                .then(client::connect)
                .expectNext(ConnectionState.CONNECTING, ConnectionState.CONNECTED)
                .then(client::disconnect)
                .expectNext(ConnectionState.DISCONNECTED)
                .thenCancel()
                .verify(WAIT);
        StepVerifier.create(ReactorSse.states(client)).expectNext(ConnectionState.DISCONNECTED).thenCancel().verify(WAIT);
    }

    @Test
    void connectIsColdCompletesWhenConnectedAndFailsWithTheTypedError() {
        Mono<Void> connect = ReactorSse.connect(client);
        assertThat(client.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(server.totalConnections()).isZero();
        StepVerifier.create(connect).expectComplete().verify(WAIT);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        StepVerifier.create(ReactorSse.connect(client)).expectComplete().verify(WAIT);

        client.disconnect();
        server.respondWith(404, "text/plain");
        StepVerifier.create(ReactorSse.connect(client)).expectError(HttpStatusException.class).verify(WAIT);
        assertThat(client.state()).isEqualTo(ConnectionState.FAILED);
    }
}
